import {
  type ChangeReason,
  type ErrorDetail,
  type ExpiryReason,
  englishText,
  type HashSource,
  type RangeReason,
} from './error-detail';

/**
 * Download errors, each with how far it reaches on its own (after aria2's DlRetryEx / DlAbortEx):
 * - 'request': worth retrying the same range after a backoff (network blip, 5xx, truncated body).
 * - 'job':     the download cannot succeed as asked; report it.
 * What a retry loop does with a failure (retry, fewer connections, back to the original URL, fail the job) is
 * decided in one place, failure.ts, from the error and where it happened.
 * Across contexts (worker, popup) errors are matched by `name` and `code`, never by instanceof.
 */
export type ErrorScope = 'request' | 'job';

export type ErrorCode =
  | 'HTTP_STATUS'
  | 'NETWORK'
  | 'TRUNCATED'
  | 'BAD_CONTENT_RANGE'
  | 'CONTENT_ENCODING'
  | 'RESOURCE_CHANGED'
  | 'NO_RANGES'
  | 'STORAGE'
  | 'ABORTED'
  | 'RETRIES_EXHAUSTED'
  | 'REDIRECTED'
  | 'LINK_EXPIRED'
  | 'URL_NOT_ALLOWED'
  | 'CHECKSUM_MISMATCH'
  | 'TLS_CERTIFICATE';

export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(
    readonly code: ErrorCode,
    readonly scope: ErrorScope,
    /** What the error states, as data; `message` is its English wording. */
    readonly detail: ErrorDetail,
    options?: { cause?: unknown },
  ) {
    super(englishText(detail), options);
  }
}

/** The server answered with a status the engine cannot use. */
export class HttpStatusError extends DownloadError {
  override name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly url: string,
    /** Milliseconds the server asked us to wait (Retry-After), if any. */
    readonly retryAfterMs: number | null = null,
  ) {
    super('HTTP_STATUS', scopeOfStatus(status), { kind: 'http-status', url, status });
  }
}

function scopeOfStatus(status: number): ErrorScope {
  if (status === 408 || status === 425 || status === 429 || status >= 500) return 'request';
  return 'job';
}

/**
 * The server's TLS certificate was refused (self-signed, expired, another host's, an unknown issuer): no retry
 * changes it, so the download fails at once. `reason` is the TLS library's code, e.g. CERT_HAS_EXPIRED.
 */
export class TlsCertificateError extends DownloadError {
  override name = 'TlsCertificateError';
  constructor(
    readonly url: string,
    readonly reason: string,
    cause: unknown,
  ) {
    super('TLS_CERTIFICATE', 'job', { kind: 'tls', url, reason }, { cause });
  }
}

/** The request failed before or while the body streamed (reset, refused, DNS). */
export class NetworkError extends DownloadError {
  override name = 'NetworkError';
  /** `detail`: what the failure was when the engine itself saw it (a stall), else the platform's `cause`. */
  constructor(url: string, cause: unknown, detail?: ErrorDetail) {
    super('NETWORK', 'request', detail ?? { kind: 'network', url, cause: describe(cause) }, { cause });
  }
}

/** The body ended before the bytes it promised. */
export class TruncatedBodyError extends DownloadError {
  override name = 'TruncatedBodyError';
  constructor(url: string, expectedBytes: number, receivedBytes: number) {
    super('TRUNCATED', 'request', {
      kind: 'truncated',
      url,
      expected: expectedBytes,
      received: receivedBytes,
    });
  }
}

/** A 206 whose Content-Range does not match what was asked: the server's ranges cannot be trusted. */
export class ContentRangeError extends DownloadError {
  override name = 'ContentRangeError';
  constructor(url: string, reason: RangeReason) {
    super('BAD_CONTENT_RANGE', 'job', { kind: 'bad-range', url, reason });
  }
}

/** A ranged response carried a Content-Encoding: its bytes are not the file's bytes. */
export class ContentEncodingError extends DownloadError {
  override name = 'ContentEncodingError';
  constructor(url: string, encoding: string) {
    super('CONTENT_ENCODING', 'job', { kind: 'bad-range', url, reason: { kind: 'encoded', encoding } });
  }
}

/** The file on the server is not the one whose pieces we hold (validator or size changed). */
export class ResourceChangedError extends DownloadError {
  override name = 'ResourceChangedError';
  constructor(url: string, reason: ChangeReason) {
    super('RESOURCE_CHANGED', 'job', { kind: 'changed', url, reason });
  }
}

/** The server answered a ranged request with the whole file (200). */
export class NoRangesError extends DownloadError {
  override name = 'NoRangesError';
  constructor(url: string) {
    super('NO_RANGES', 'job', { kind: 'no-ranges', url });
  }
}

/** The sink could not store a piece (disk full, quota exceeded). */
export class StorageError extends DownloadError {
  override name = 'StorageError';
  constructor(cause: unknown) {
    super('STORAGE', 'job', { kind: 'storage', cause: describe(cause) }, { cause });
  }
}

/** The caller aborted (pause or cancel). `reason` is the signal's reason. */
export class AbortedError extends DownloadError {
  override name = 'AbortedError';
  constructor(readonly reason: unknown) {
    super('ABORTED', 'job', { kind: 'aborted', reason: describe(reason) });
  }
}

/** A range failed more times than the retry policy allows. */
export class RetriesExhaustedError extends DownloadError {
  override name = 'RetriesExhaustedError';
  constructor(attempts: number, last: DownloadError) {
    super('RETRIES_EXHAUSTED', 'job', { kind: 'retries', attempts, last: last.detail }, { cause: last });
  }
}

/**
 * A request that must land on the URL the link resolved to was redirected (not followed): the link changed, as
 * an expired one does. `location` is where it went, when the platform shows it (a browser does not).
 */
export class RedirectedError extends DownloadError {
  override name = 'RedirectedError';
  constructor(
    readonly url: string,
    readonly location: string | null,
  ) {
    super('REDIRECTED', 'request', { kind: 'redirected', url, location });
  }
}

/**
 * The link stopped working and the site gave no fresh one: the original URL refused too, led to a URL that
 * refused, or led to a file that is not provably the one stored. What is stored is kept: a later attempt resumes.
 */
export class LinkExpiredError extends DownloadError {
  override name = 'LinkExpiredError';
  constructor(
    /** The URL fresh links were asked from. */
    readonly url: string,
    reason: ExpiryReason,
    options?: { cause?: unknown },
  ) {
    super('LINK_EXPIRED', 'job', { kind: 'expired', url, reason }, options);
  }
}

/** The download was about to fetch from a URL it may not use (`DownloadOptions.allowUrl` refused it). */
export class UrlNotAllowedError extends DownloadError {
  override name = 'UrlNotAllowedError';
  constructor(readonly url: string) {
    super('URL_NOT_ALLOWED', 'job', { kind: 'not-allowed', url });
  }
}

/**
 * Every byte arrived, and the file's SHA-256 is not the one expected (the user's, or the server's digest):
 * the file is not kept under its name.
 */
export class ChecksumMismatchError extends DownloadError {
  override name = 'ChecksumMismatchError';
  constructor(
    readonly actualSha256: string,
    readonly expectedSha256: string,
    /** Who expected it: the user, or the server's digest header. */
    readonly source: HashSource,
  ) {
    super('CHECKSUM_MISMATCH', 'job', {
      kind: 'checksum',
      actual: actualSha256,
      expected: expectedSha256,
      source,
    });
  }
}

export function describe(value: unknown): string {
  if (value instanceof Error) {
    const cause = value.cause instanceof Error ? ` (${value.cause.message})` : '';
    return `${value.message}${cause}`;
  }
  return String(value);
}

/** An error's facts when it is the engine's, else null. */
export function detailOf(error: unknown): ErrorDetail | null {
  return error instanceof DownloadError ? error.detail : null;
}
