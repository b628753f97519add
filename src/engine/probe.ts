import { parseContentRange } from './content-range';
import { ContentRangeError } from './errors';
import { chooseFilename } from './filename';
import { type RangeSpec, type RequestContext, rangeHeaders, send, statusError } from './request';
import type { HttpResponse, RemoteFile } from './types';

export type ProbeOutcome =
  /** 206: ranges work; `response` streams the file from the asked offset. */
  | {
      kind: 'ranges';
      remote: RemoteFile;
      response: HttpResponse;
      start: number;
      end: number;
      encoded: boolean;
    }
  /** 200: the whole file, no ranges (or If-Range failed). */
  | { kind: 'whole'; remote: RemoteFile; response: HttpResponse }
  /** 416: nothing at that offset; `size` is the server's total. */
  | { kind: 'unsatisfiable'; remote: RemoteFile };

/**
 * Opens the file with a ranged GET (never HEAD: many servers answer HEAD wrongly or not at all) and keeps the
 * response so its body serves as the first piece.
 */
export async function openProbe(
  ctx: RequestContext,
  url: string,
  range: RangeSpec,
  ifRange: string | null,
): Promise<ProbeOutcome> {
  const { start } = range;
  const response = await send(ctx, url, rangeHeaders(ctx.headers, range, ifRange), ctx.signal);
  if (response.status === 416) {
    response.body?.cancel().catch(() => {});
    const parsed = parseContentRange(response.headers.get('content-range'));
    const size = parsed && 'unsatisfied' in parsed ? parsed.total : null;
    return { kind: 'unsatisfiable', remote: { ...describeRemote(url, response, true), size } };
  }
  if (response.status === 200) {
    return { kind: 'whole', remote: describeRemote(url, response, false), response };
  }
  if (response.status !== 206) throw statusError(ctx, response, url);
  const parsed = parseContentRange(response.headers.get('content-range'));
  if (!parsed || 'unsatisfied' in parsed || parsed.start !== start) {
    response.body?.cancel().catch(() => {});
    throw new ContentRangeError(url, `probe got Content-Range "${response.headers.get('content-range')}"`);
  }
  const encoding = response.headers.get('content-encoding');
  const encoded = encoding !== null && encoding.trim().toLowerCase() !== 'identity';
  const remote = describeRemote(url, response, parsed.total !== null && !encoded);
  const size = encoded ? null : parsed.total;
  return { kind: 'ranges', remote: { ...remote, size }, response, start, end: parsed.end, encoded };
}

function describeRemote(url: string, response: HttpResponse, acceptRanges: boolean): RemoteFile {
  const h = response.headers;
  const mime = h.get('content-type')?.split(';')[0]?.trim().toLowerCase() || null;
  const encoding = h.get('content-encoding');
  const length = h.get('content-length');
  // A Content-Length of an encoded body is not the file's size.
  const size = !encoding && length !== null && /^\d+$/.test(length) ? Number(length) : null;
  return {
    url,
    finalUrl: response.url || url,
    size,
    acceptRanges,
    etag: h.get('etag'),
    lastModified: h.get('last-modified'),
    mime,
    filename: chooseFilename({
      contentDisposition: h.get('content-disposition'),
      url: response.url || url,
      mime,
    }),
  };
}

/** Learns what the server says about `url` without downloading it. */
export async function probe(ctx: RequestContext, url: string): Promise<RemoteFile> {
  const outcome = await openProbe(ctx, url, { start: 0, end: null }, null);
  if (outcome.kind !== 'unsatisfiable') outcome.response.body?.cancel().catch(() => {});
  return outcome.remote;
}
