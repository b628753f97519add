import { createHash } from 'node:crypto';
import { type IncomingHttpHeaders, request } from 'node:http';

/** A response as it came off the wire: no redirects followed, no decoding, and whether the body was cut. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** False when the connection ended before the message did. */
  complete: boolean;
  elapsedMs: number;
}

/**
 * One request on a fresh connection (no agent), so tests know which socket served it and see exact bytes,
 * which fetch hides (it follows redirects and decodes gzip).
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const startedMs = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const pieces: Buffer[] = [];
        res.on('data', (piece: Buffer) => pieces.push(piece));
        // A cut body surfaces as an 'aborted' error on the response; the bytes that came are still reported.
        res.on('error', () => undefined);
        res.on('close', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(pieces),
            complete: res.complete,
            elapsedMs: performance.now() - startedMs,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
