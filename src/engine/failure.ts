import { DownloadError, HttpStatusError, NetworkError } from './errors';

/**
 * What a retry loop does with a failed request: the one place that decides it, for the range session, the
 * single stream and the probe alike (after aria2's split between retrying a request and aborting a download).
 *
 * - retry:             back off and ask again (a network blip, a 5xx, a truncated body).
 * - fewer-connections: the host said it serves fewer at once (429, 503, a refused connection while others are
 *                      served): lower its cap, then back off and ask again.
 * - refresh-url:       the redirect target refused a URL that worked before (401/403/404/410: a signed link
 *                      expired): ask again from the original URL, which redirects afresh; If-Range and the
 *                      Content-Range checks keep the bytes those of the same file.
 * - fail-job:          nothing a retry can fix.
 */
export type FailureAction =
  | { kind: 'retry'; retryAfterMs: number | null }
  | { kind: 'fewer-connections'; status: number; retryAfterMs: number | null }
  | { kind: 'refresh-url' }
  | { kind: 'fail-job' };

export interface FailureContext {
  /** The URL the download started from, before redirects. */
  originalUrl: string;
  /** Other connections to the host are receiving (a refusal then means "not this many"). */
  othersReceiving: boolean;
}

/** Statuses that say "fewer connections, please". */
const FEWER_STATUSES = new Set([429, 503]);
/** Statuses of a redirect target whose link no longer works (expired, revoked): the original URL may renew it. */
const EXPIRED_LINK_STATUSES = new Set([401, 403, 404, 410]);

export function classifyFailure(error: unknown, context: FailureContext): FailureAction {
  if (!(error instanceof DownloadError)) return { kind: 'fail-job' };
  if (error instanceof HttpStatusError) {
    if (EXPIRED_LINK_STATUSES.has(error.status) && error.url !== context.originalUrl) {
      return { kind: 'refresh-url' };
    }
    if (FEWER_STATUSES.has(error.status)) {
      return { kind: 'fewer-connections', status: error.status, retryAfterMs: error.retryAfterMs };
    }
  }
  if (error instanceof NetworkError && context.othersReceiving && isRefused(error)) {
    return { kind: 'fewer-connections', status: 0, retryAfterMs: null };
  }
  if (error.scope !== 'request') return { kind: 'fail-job' };
  return { kind: 'retry', retryAfterMs: error instanceof HttpStatusError ? error.retryAfterMs : null };
}

/** Causes looked at below an error, at most. */
const CAUSE_DEPTH = 4;

/**
 * A connection the host refused (ECONNREFUSED), in the error's causes: the error's own message names the URL,
 * which says nothing about the connection ("…/refused.zip").
 */
function isRefused(error: Error): boolean {
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && cause !== null && depth < CAUSE_DEPTH; depth++) {
    if (typeof cause !== 'object') return /ECONNREFUSED|refused/i.test(String(cause));
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (code === 'ECONNREFUSED' || /ECONNREFUSED|refused/i.test(String(message ?? ''))) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

/** The server's ranged answers cannot be trusted (a 200 to a Range, a Content-Range that does not match). */
export function isBrokenRanges(error: DownloadError): boolean {
  return error.code === 'NO_RANGES' || error.code === 'BAD_CONTENT_RANGE';
}
