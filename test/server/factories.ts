import { createRangeServer } from './range-server';
import { bufferSource, type FileSource } from './sources';
import type { RangeServer, ServerOptions } from './types';

/** Extra options any factory accepts, so faults combine (e.g. a throttle behind a connection limit). */
export type ExtraOptions = Omit<ServerOptions, 'source'>;

/** A correct range server: 206/416, ETag, Last-Modified, If-Range. */
export function correctServer(source: FileSource, extra: ExtraOptions = {}): Promise<RangeServer> {
  return createRangeServer({ ...extra, source });
}

/** Every connection capped at bytesPerSecond. */
export function throttledServer(
  source: FileSource,
  { bytesPerSecond }: { bytesPerSecond: number },
  extra: ExtraOptions = {},
): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, bytesPerSecond });
}

/** The k-th accepted connection gets rates[k % rates.length] bytes/s, so some are far slower than others. */
export function unevenServer(
  source: FileSource,
  { rates }: { rates: readonly number[] },
  extra: ExtraOptions = {},
): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, connectionRates: rates });
}

/** Each connection capped at `bytesPerSecond`, and all of them together at `totalBytesPerSecond`. */
export function sharedLinkServer(
  source: FileSource,
  { bytesPerSecond, totalBytesPerSecond }: { bytesPerSecond: number; totalBytesPerSecond: number },
  extra: ExtraOptions = {},
): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, bytesPerSecond, totalBytesPerSecond });
}

export function dropAfterServer(
  source: FileSource,
  dropAfter: { afterBytes: number; firstRequests: number },
  extra: ExtraOptions = {},
): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, dropAfter });
}

/** The first firstRequests GET requests answer 503 or 429 with Retry-After. */
export function retryAfterServer(
  source: FileSource,
  retryAfter: { status: 503 | 429; retryAfterSeconds: number; firstRequests: number },
  extra: ExtraOptions = {},
): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, retryAfter });
}

/** Always 200 with the full body and no Accept-Ranges: a server without range support. */
export function ignoreRangeServer(source: FileSource, extra: ExtraOptions = {}): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, ignoreRange: true });
}

/** Ranges not starting at 0 come back 206 starting shiftBytes later than asked (Content-Range says so). */
export function shiftedRangeServer(
  source: FileSource,
  { shiftBytes }: { shiftBytes: number },
  extra: ExtraOptions = {},
): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, shiftBytes });
}

/** Each 206 carries at most maxBytes with an honest Content-Range: a legal short answer to re-queue. */
export function shortRangeServer(
  source: FileSource,
  { maxBytes }: { maxBytes: number },
  extra: ExtraOptions = {},
): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, maxRangeBytes: maxBytes });
}

/** Content-Range of ranges not starting at 0 reports `total` instead of the real size. */
export function wrongTotalServer(
  source: FileSource,
  { total }: { total: number },
  extra: ExtraOptions = {},
): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, reportedTotal: total });
}

/** After afterRequests GET requests the file becomes newSource with a new ETag and Last-Modified. */
export function replacedMidwayServer(
  source: FileSource,
  newSource: FileSource,
  { afterRequests }: { afterRequests: number },
  extra: ExtraOptions = {},
): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, replaceAfter: { source: newSource, afterRequests } });
}

/** A weak ETag only and no Last-Modified: nothing If-Range may use. */
export function weakEtagServer(source: FileSource, extra: ExtraOptions = {}): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, etag: `W/"weak-${source.size}"`, lastModified: null });
}

/** No ETag and no Last-Modified. */
export function noValidatorsServer(source: FileSource, extra: ExtraOptions = {}): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, etag: null, lastModified: null });
}

/** Every 200 and 206 is gzip-encoded whatever Accept-Encoding says, without Content-Length. */
export function gzipServer(source: FileSource, extra: ExtraOptions = {}): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, gzip: true });
}

/** 200 only, Transfer-Encoding: chunked without Content-Length, no Accept-Ranges. */
export function chunkedServer(source: FileSource, extra: ExtraOptions = {}): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, chunked: true, ignoreRange: true });
}

/** HEAD answers 405; GET is normal. */
export function headNotAllowedServer(source: FileSource, extra: ExtraOptions = {}): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, headStatus: 405 });
}

/** At most maxConcurrent GET requests in flight; the rest get 503 with Retry-After: 1. Optional throttle. */
export function connectionLimitServer(
  source: FileSource,
  { maxConcurrent, bytesPerSecond }: { maxConcurrent: number; bytesPerSecond?: number },
  extra: ExtraOptions = {},
): Promise<RangeServer> {
  return createRangeServer({
    ...extra,
    source,
    maxConcurrentRequests: maxConcurrent,
    bytesPerSecond: bytesPerSecond ?? extra.bytesPerSecond,
  });
}

/** A second server whose GET and HEAD, on any path, answer 302 to target.url; its records count them. */
/** The file's URL redirects to a signed URL that answers 403 after `validGets` GET requests (an expiring link). */
export function expiringLinkServer(
  source: FileSource,
  validGets: number,
  extra: ExtraOptions = {},
): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, expiringLinks: { validGets } });
}

export function redirectServer(target: RangeServer, extra: ExtraOptions = {}): Promise<RangeServer> {
  return createRangeServer({ ...extra, source: bufferSource(Buffer.alloc(0)), redirectTo: target.url });
}

/** Sends `header` as Content-Disposition. */
export function contentDispositionServer(
  source: FileSource,
  header: string,
  extra: ExtraOptions = {},
): Promise<RangeServer> {
  return createRangeServer({ ...extra, source, contentDisposition: header });
}
