import { DownloadError, HttpStatusError, LinkExpiredError, NetworkError, RedirectedError } from './errors';

/**
 * What a retry loop does with a failed request: the one place that decides it, for the range session, the
 * single stream and the probe alike (after aria2's split between retrying a request and aborting a download).
 *
 * - retry:             back off and ask again (a network blip, a 5xx, a truncated body).
 * - fewer-connections: the host said it serves fewer at once (429, 503, a refused connection while others are
 *                      served): lower its cap, then back off and ask again.
 * - refresh-url:       the link changed: the URL it resolved to refused (401/403/404/410 from a redirect target: a
 *                      signed link expired) or redirected elsewhere. Ask the original URL again, following
 *                      redirects, and go on from where it leads only if it is provably the same file (refresh.ts).
 * - drop-connection:   a refusal (401/403/404/410 from the original URL, or a link that could not be renewed)
 *                      while another connection of the job is receiving: "not this connection" (a single-use
 *                      link serves one request). This connection ends; the download runs fewer of its own, and
 *                      the host's cap for other downloads is left alone.
 * - fail-job:          nothing a retry can fix.
 */
export type FailureAction =
  | { kind: 'retry'; retryAfterMs: number | null }
  | { kind: 'fewer-connections'; status: number; retryAfterMs: number | null }
  | { kind: 'refresh-url' }
  | { kind: 'drop-connection'; status: number }
  | { kind: 'fail-job' };

export interface FailureContext {
  /** The URL the download started from, before redirects. */
  originalUrl: string;
  /** Other connections of the job are receiving (a refusal then means "not this many", "not this one"). */
  othersReceiving: boolean;
}

/** Statuses that say "fewer connections, please". */
const FEWER_STATUSES = new Set([429, 503]);
/** Statuses of a link that no longer works (expired, revoked, used up): the original URL may renew it. */
export const EXPIRED_LINK_STATUSES = new Set([401, 403, 404, 410]);

export function classifyFailure(error: unknown, context: FailureContext): FailureAction {
  if (!(error instanceof DownloadError)) return { kind: 'fail-job' };
  if (error instanceof RedirectedError) return { kind: 'refresh-url' };
  if (error instanceof LinkExpiredError) {
    return context.othersReceiving ? { kind: 'drop-connection', status: 0 } : { kind: 'fail-job' };
  }
  if (error instanceof HttpStatusError) {
    if (EXPIRED_LINK_STATUSES.has(error.status)) {
      if (error.url !== context.originalUrl) return { kind: 'refresh-url' };
      if (context.othersReceiving) return { kind: 'drop-connection', status: error.status };
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
