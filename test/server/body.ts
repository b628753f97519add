import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { ByteRange } from './http-rules';
import { type FileSource, readPieces } from './sources';
import type { Pacer } from './throttle';

const UNPACED_WRITE_BYTES = 64 * 1024;

export interface BodyOptions {
  /** Paces writes to the connection's rate; null sends as fast as the client reads. */
  pacer: Pacer | null;
  /** Paces writes of every connection together (a server- or link-wide limit); null for none. */
  sharedPacer: Pacer | null;
  /** The first this-many body bytes skip `pacer` (a burst at the start of the response). */
  burstBytes: number;
  gzip: boolean;
  /** Destroys the socket once this many body bytes are out (a dropped connection); null sends everything. */
  cutAfterBytes: number | null;
  /** Fires when the response closes early, so no write or timer outlives the client. */
  signal: AbortSignal;
  onBytes(bytes: number): void;
}

/**
 * Streams `range` of the source (null: no bytes, though gzip still frames an empty stream) and ends the response.
 * Honours backpressure: after a write the socket buffer refuses, it waits for 'drain' before reading on.
 */
export async function sendBody(
  res: ServerResponse,
  source: FileSource,
  range: ByteRange | null,
  options: BodyOptions,
): Promise<void> {
  const pieceBytes = options.pacer?.writeBytes ?? options.sharedPacer?.writeBytes ?? UNPACED_WRITE_BYTES;
  const raw = range ? readPieces(source, range.start, range.end + 1, pieceBytes) : [];
  const gzip = options.gzip ? Readable.from(raw).pipe(createGzip()) : null;
  let remainingBytes = options.cutAfterBytes ?? Number.POSITIVE_INFINITY;
  let sentBytes = 0;
  try {
    for await (const whole of gzip ?? raw) {
      if (options.signal.aborted) return;
      const piece = (whole as Buffer).subarray(0, remainingBytes);
      if (sentBytes >= options.burstBytes) await options.pacer?.take(piece.length, options.signal);
      sentBytes += piece.length;
      await options.sharedPacer?.take(piece.length, options.signal);
      remainingBytes -= piece.length;
      options.onBytes(piece.length);
      if (remainingBytes <= 0) return await cut(res, piece);
      if (!res.write(piece)) await once(res, 'drain', { signal: options.signal });
    }
    res.end();
  } catch (error) {
    if (!options.signal.aborted) throw error;
  } finally {
    gzip?.destroy();
  }
}

/** Writes the last piece, waits until the kernel has it, then drops the connection mid-body. */
async function cut(res: ServerResponse, piece: Buffer): Promise<void> {
  await new Promise<void>((resolve) => res.write(piece, () => resolve()));
  res.socket?.destroy();
}
