import type { IncomingHttpHeaders } from 'node:http';
import type { FileSource } from './sources';

/** Behaviour of a test server. The defaults are a correct RFC 9110 range server; every other field is a fault. */
export interface ServerOptions {
  source: FileSource;
  /** Where the file lives; other paths answer 404. Default `/file.bin`. */
  path?: string;
  /** Default: a strong tag naming version, content and size, e.g. `"v1-p7-1048576"`; null sends none. */
  etag?: string | null;
  /** Default: a fixed HTTP date, a day later per version; null sends none. */
  lastModified?: string | null;
  /** Default `application/octet-stream`. */
  contentType?: string;
  /** Sent verbatim when set. */
  contentDisposition?: string | null;
  /** More headers sent verbatim with every answer about the file (e.g. `repr-digest`, `digest`). */
  extraHeaders?: Readonly<Record<string, string>>;

  /** Caps every connection (socket) at this rate. */
  bytesPerSecond?: number;
  /** The k-th accepted connection gets rates[k % rates.length] bytes/s; wins over bytesPerSecond. */
  connectionRates?: readonly number[];
  /**
   * Each response's first this-many seconds' worth of its connection's rate leave at once, unpaced: nginx's
   * limit_rate lets up to a second's worth out at the start of every response.
   */
  responseBurstSeconds?: number;
  /**
   * Each paced write carries this many seconds' worth of the connection's rate, sent at once (default 1/50 s):
   * nginx's limit_rate sends a sendfile chunk, then waits for the rate to pay for it.
   */
  writeSeconds?: number;
  /** Caps all connections together at this rate (a shared link): more connections do not add throughput. */
  totalBytesPerSecond?: number;
  /** At most this many GET requests in flight; the rest get 503 with Retry-After: 1 at once. */
  maxConcurrentRequests?: number;

  /** The first `firstRequests` GET requests lose their socket after `afterBytes` body bytes. */
  dropAfter?: { afterBytes: number; firstRequests: number };
  /** The first `firstRequests` GET requests get `status` with Retry-After: `retryAfterSeconds`. */
  retryAfter?: { status: 503 | 429; retryAfterSeconds: number; firstRequests: number };
  /** Every request gets 200 with the full body and no Accept-Ranges. */
  ignoreRange?: boolean;
  /** Ranges not starting at 0 are served (and labelled) this many bytes later than asked. */
  shiftBytes?: number;
  /** Each 206 carries at most this many bytes, with an honest Content-Range: a legal short answer. */
  maxRangeBytes?: number;
  /** Content-Range of ranges not starting at 0 reports this total instead of the real size. */
  reportedTotal?: number;
  /** After `afterRequests` GET requests the file becomes `source`, with the next version's validators. */
  replaceAfter?: { source: FileSource; afterRequests: number };
  /** Every body is gzip-encoded whatever Accept-Encoding says; no Content-Length. */
  gzip?: boolean;
  /** No Content-Length, so Node frames bodies with Transfer-Encoding: chunked. */
  chunked?: boolean;
  /** HEAD answers this status (e.g. 405) instead of the GET headers. */
  headStatus?: number;
  /** Every GET and HEAD, on any path, answers 302 to this URL. */
  redirectTo?: string;
  /**
   * Signed links that expire: the file's path answers 302 to itself with a new `?sig=N` each time, and a signed
   * URL answers 403 once it has served `validGets` GET requests (the redirect's own request included).
   */
  expiringLinks?: { validGets: number };
  /**
   * A single-use link: the first GET of the file is served; every GET after it answers `status` from the same
   * URL, with no redirect and no fresh link. `reset()` makes the link usable once more.
   */
  singleUse?: { status: 403 | 410 };
}

/** One request as the server saw it; mutated while the response is under way. */
export interface RequestRecord {
  id: number;
  /** Index of the socket it arrived on, in accept order (the k of connectionRates). */
  connectionId: number;
  method: string;
  path: string;
  /** The query, with its `?` ("" when none). */
  search: string;
  range: string | null;
  ifRange: string | null;
  headers: IncomingHttpHeaders;
  /** 0 until the status line is written. */
  status: number;
  bytesSent: number;
  /** Monotonic clock (performance.now()). */
  startedAtMs: number;
  endedAtMs: number | null;
  /** The body did not complete: the client went away, or a dropAfter fault cut the socket. */
  aborted: boolean;
}

export interface SetSourceOptions {
  etag?: string | null;
  lastModified?: string | null;
}

export interface RangeServer {
  /** The file's URL, e.g. http://127.0.0.1:PORT/file.bin. */
  readonly url: string;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly port: number;
  /** Every request, in arrival order. */
  readonly requests: RequestRecord[];
  /** Body bytes written, over all requests. */
  readonly bytesSent: number;
  /** Peak number of GET requests in flight at once (not counting those refused by maxConcurrentRequests). */
  readonly maxConcurrent: number;
  /** Sockets accepted. */
  readonly connections: number;
  /** The file currently served, and its validators (null when not sent). */
  readonly source: FileSource;
  readonly etag: string | null;
  readonly lastModified: string | null;
  /** Replaces the file; validators left out get the next version's defaults. */
  setSource(source: FileSource, options?: SetSourceOptions): void;
  /** Clears requests and counters, including the GET count that "first K requests" faults use; keeps the file. */
  reset(): void;
  /** Stops listening and destroys open sockets, so it never waits on a slow client. */
  close(): Promise<void>;
}
