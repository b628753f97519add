import type { ErrorDetail } from './error-detail';

/**
 * The engine's contracts with the outside world. Everything platform-specific (network, clock, storage)
 * comes in through these interfaces, so the engine runs unchanged in a service worker, in Node and in tests.
 */

/** An inclusive byte range, as in HTTP: `{start: 0, end: 99}` is the first 100 bytes. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface HttpHeaders {
  get(name: string): string | null;
}

/**
 * Whether a request follows redirects. Only a request that resolves a link (to the URL a download started from)
 * follows them; a request to the URL the link resolved to must land there, so a redirect is not followed but
 * reported (`HttpResponse.redirect`).
 */
export type RedirectMode = 'follow' | 'manual';

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Default 'follow'. */
  redirect?: RedirectMode;
}

export interface HttpResponse {
  status: number;
  /** The URL that answered, after redirects. */
  url: string;
  headers: HttpHeaders;
  /** Null only for bodiless responses. Reading it may reject (connection reset, truncated body). */
  body: ReadableStream<Uint8Array> | null;
  /**
   * The platform's own response object (the fetch Response in a browser or Node), opaque to the engine: it
   * passes it through to `PieceSink.writeResponse`, so a sink can consume the body natively (e.g. `blob()`)
   * without the bytes passing through a JS stream reader. Absent for fetchers that have none.
   */
  raw?: unknown;
  /**
   * Set when a request with `redirect: 'manual'` was redirected (a browser's opaque redirect, or a 3xx in Node):
   * the status and headers are then not the file's, and `location` is where it went when the platform shows it.
   */
  redirect?: { location: string | null };
}

/** Performs one HTTP GET. Rejects only on network failure; any status resolves. */
export type Fetcher = (request: HttpRequest) => Promise<HttpResponse>;

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * A speed limit readers are paced by: `take(bytes)` resolves once the limit lets those bytes through (see
 * rate-limiter.ts for the one the engine ships).
 */
export interface SpeedLimit {
  /** Bytes per second, or null when unlimited. */
  readonly bytesPerSecond: number | null;
  take(bytes: number, signal?: AbortSignal): Promise<void>;
}

/** One connection's place in a host's pool, from before its request is sent until its response is done. */
export interface Slot {
  release(): void;
  /** How many times the host's cap had been lowered when this slot was granted. */
  readonly epoch: number;
  /** How many slots to the host were held when this one was granted, itself included. */
  readonly position: number;
}

/**
 * Connections per host, shared by every download to that host, and what hosts taught about their limits (see
 * host-pool.ts for the one the engine ships).
 */
export interface ConnectionPool {
  /** Connections `host` may have at once now. */
  cap(host: string): number;
  /** Whether `host` has refused connections (its cap is one it taught). */
  limits(host: string): boolean;
  /** Waits for a slot to `host`; rejects with the signal's reason if it aborts first. */
  acquire(host: string, signal?: AbortSignal): Promise<Slot>;
  /** The host refused the connection holding `refused`: lowers its cap; returns the cap. */
  lower(host: string, refused?: Slot): number;
}

/** What a probe learns about the remote file. */
export interface RemoteFile {
  url: string;
  finalUrl: string;
  /** Total size in bytes; null when the server does not say. */
  size: number | null;
  acceptRanges: boolean;
  /** The ETag exactly as sent (including any W/ prefix), or null. */
  etag: string | null;
  lastModified: string | null;
  mime: string | null;
  /** Sanitised name, safe to hand to a file system or chrome.downloads. */
  filename: string;
  /**
   * The file's SHA-256 as the server states it (Repr-Digest, else Digest: digest.ts), to hold the finished file
   * to. Absent in records written before it was read: none.
   */
  digest?: ServerDigest | null;
}

/** A SHA-256 the server states for the whole file. */
export interface ServerDigest {
  /** Lowercase hex of the 32 bytes. */
  sha256: string;
  header: 'repr-digest' | 'digest';
}

/** What a sink keeps between sessions so a job can resume. */
export interface SavedState {
  remote: RemoteFile;
  /** Byte ranges already committed, sorted and non-overlapping. */
  done: ByteRange[];
}

/**
 * Where pieces go. Every write commits its bytes durably enough that `load()` in a later session may report
 * them as done; `load()` must never report bytes that were not written.
 */
export interface PieceSink {
  /** The state a previous session left, or null when there is none. */
  load(): Promise<SavedState | null>;
  /** Starts (or continues) storing `remote`. `done` is empty when starting from zero. */
  begin(remote: RemoteFile, done: readonly ByteRange[]): Promise<void>;
  /** Commits `chunks` (concatenated) at `offset`. Calls may run concurrently for disjoint ranges. */
  write(offset: number, chunks: readonly Uint8Array[]): Promise<void>;
  /** Forgets everything stored (the remote file changed); `begin` follows. */
  reset(): Promise<void>;
  /** Every byte is in: make the file whole (rename, assemble). */
  finish(): Promise<void>;
  /**
   * Optional whole-response mode. Stores exactly `length` bytes, the entire body of `response` (a validated 206
   * for exactly those bytes), at `offset`, committed like `write`; or rejects if the body has a different length
   * (TruncatedBodyError) or cannot be read. The sink reads the body itself (typically through `response.raw`),
   * so the bytes need not pass through the engine. Wrap storage failures in StorageError; any other rejection
   * counts as a network failure of that request and is retried. Nothing may be committed when it rejects.
   *
   * When present, the engine fetches ranges as pieces of at most `preferredWriteBytes`, one request per piece
   * (connections are reused), and uses `write` only for the probe's open-ended response and single streams.
   *
   * `commit`, when given, is called once the whole body is read and checked, right before storing: when it
   * returns false (another request already delivered these bytes), nothing is stored and the promise resolves
   * to false. Resolves to true once stored.
   */
  writeResponse?(
    offset: number,
    length: number,
    response: HttpResponse,
    commit?: () => boolean,
  ): Promise<boolean>;
  /** Bytes per write the sink works best with (the engine batches up to this much per connection). */
  readonly preferredWriteBytes: number;
  /**
   * Piece mode only: the sink hands the file on as its stored prefix grows (a save streaming while the rest
   * arrives), so every connection takes the next piece from the front of what is missing, rather than a
   * region of its own: the prefix then grows at the speed of all connections together, not of the first.
   */
  readonly inOrder?: boolean;
}

export type ConnectionState = 'connecting' | 'receiving' | 'retrying';

export interface ConnectionProgress {
  id: number;
  state: ConnectionState;
  /** The range this connection currently owns. */
  range: ByteRange;
  /** Bytes of `range` received so far. */
  receivedBytes: number;
  speedBytesPerSecond: number;
}

export interface Progress {
  doneBytes: number;
  totalBytes: number | null;
  speedBytesPerSecond: number;
  /** Estimated time left; null when unknown. */
  etaMs: number | null;
  connections: ConnectionProgress[];
}

/** Things worth telling the user that are not errors. */
export type DownloadNotice =
  | { type: 'resumed'; doneBytes: number }
  | { type: 'restarted'; reason: 'changed' | 'no-ranges' }
  | { type: 'unverified-resume' }
  | { type: 'single-stream'; reason: string }
  | { type: 'connections-lowered'; connections: number; status: number }
  /** `error` in English; `detail` its facts, for another language (null for an error that is not the engine's). */
  | { type: 'retrying'; attempt: number; delayMs: number; error: string; detail: ErrorDetail | null };

export interface RetryOptions {
  /** Attempts per range before the job fails (the first try included). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  factor: number;
}

export interface DownloadOptions {
  /**
   * The URL to fetch: ranges come from here, never following a redirect elsewhere. It may be a link already
   * resolved (the browser's final URL), or the link itself, which the probe then follows to where it leads.
   */
  url: string;
  /**
   * Where fresh links come from (default `url`): the link the user followed. When the URL fetched from stops
   * answering (401/403/404/410, or a redirect), it is asked again following redirects, and the download goes on
   * from where it leads only if that is provably the same file (same size, and the same strong ETag or
   * Last-Modified); otherwise the download stops with LinkExpiredError, keeping what it stored.
   */
  originalUrl?: string;
  /**
   * Every URL the download is about to fetch from (the original, the resolved one, a refreshed one) must pass;
   * one that does not stops the download with UrlNotAllowedError. A redirect that is followed is checked where
   * it lands, before any of its bytes are used.
   */
  allowUrl?: (url: string) => boolean;
  fetcher: Fetcher;
  clock: Clock;
  sink: PieceSink;
  /** Most parallel connections for this download (the probe counts as one). */
  maxConnections: number;
  /** Pause or cancel: the promise rejects with AbortedError carrying the signal's reason; pieces stay. */
  signal?: AbortSignal;
  /** Extra request headers (never Range / If-Range: the engine owns those). */
  headers?: Record<string, string>;
  onProgress?: (progress: Progress) => void;
  progressIntervalMs?: number;
  onNotice?: (notice: DownloadNotice) => void;
  retry?: Partial<RetryOptions>;
  /** Source of randomness for backoff jitter; tests pass a fixed one. */
  random?: () => number;
  /** Smallest range worth handing to a new connection. Default and floor: 1 MiB (adaptive above it). */
  minSplitBytes?: number;
  /**
   * Connections per host shared with other downloads (and what hosts taught about their limits). Default: a
   * pool of this download's own, `maxConnections` per host.
   */
  pool?: ConnectionPool;
  /** Speed limits to pace reads by: this download's own, an overall one shared by all downloads. */
  limits?: readonly SpeedLimit[];
  /** Ramp connections up (probe + 1, then x2) only while each step adds throughput. Default true. */
  ramp?: boolean;
  /**
   * One connection's speed measured just before (the extension's take-over probe): a connection whose own
   * speed is not known yet sizes its pieces by it instead of starting at 256 KiB and growing.
   */
  expectedBytesPerSecond?: number | undefined;
  /** A connection that receives nothing this long is dropped and retried. Default 30 s. */
  readTimeoutMs?: number;
}

export interface DownloadResult {
  remote: RemoteFile;
  /** Bytes written to the sink in this session. */
  receivedBytes: number;
  /** HTTP requests made in this session. */
  requests: number;
  /** How the scheduler adapted, for the curious (CLI --verbose, benchmarks, tests). */
  adaptations: Adaptations;
}

export interface Adaptations {
  /** Endgame races won by the duplicate request / by the connection raced against. */
  racesWon: number;
  racesLost: number;
  /** Connections restarted for being far slower than the others. */
  stragglerRestarts: number;
  /** Most connections the ramp-up reached (or started with, without ramp). */
  peakConnections: number;
  /** Stream requests for about a second's worth, on a server whose responses start with a burst. */
  freshRequests: number;
}
