import {
  HttpStatusError,
  NetworkError,
  RedirectedError,
  TlsCertificateError,
  UrlNotAllowedError,
} from './errors';
import { parseRetryAfter } from './retry-policy';
import type { Clock, Fetcher, HttpRequest, HttpResponse } from './types';

export interface RangeSpec {
  start: number;
  /** Inclusive; null asks for everything from `start`. */
  end: number | null;
}

export interface RequestContext {
  fetcher: Fetcher;
  clock: Clock;
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Every URL about to be fetched from must pass (DownloadOptions.allowUrl). */
  allowUrl?: (url: string) => boolean;
}

/** Request headers for a ranged GET. Accept-Encoding: identity, since encoded bytes are not file bytes. */
export function rangeHeaders(
  base: Record<string, string>,
  range: RangeSpec | null,
  ifRange: string | null,
): Record<string, string> {
  const headers: Record<string, string> = { ...base };
  if (range) {
    headers.Range = `bytes=${range.start}-${range.end ?? ''}`;
    headers['Accept-Encoding'] = 'identity';
    if (ifRange) headers['If-Range'] = ifRange;
  }
  return headers;
}

/**
 * One GET; network failures become NetworkError, and an abort keeps the signal's reason. A redirect not followed
 * (`redirect: 'manual'`) is a RedirectedError; a URL `ctx.allowUrl` refuses, asked or landed on after redirects,
 * is a UrlNotAllowedError (a followed redirect is checked before its body is used).
 */
export async function send(ctx: RequestContext, request: HttpRequest): Promise<HttpResponse> {
  const { url, signal } = request;
  if (ctx.allowUrl && !ctx.allowUrl(url)) throw new UrlNotAllowedError(url);
  let response: HttpResponse;
  try {
    response = await ctx.fetcher(request);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const certificate = certificateFailure(error);
    if (certificate !== null) throw new TlsCertificateError(url, certificate, error);
    throw new NetworkError(url, error);
  }
  if (response.redirect) {
    response.body?.cancel().catch(() => {});
    throw new RedirectedError(url, response.redirect.location);
  }
  if (ctx.allowUrl && response.url && response.url !== url && !ctx.allowUrl(response.url)) {
    response.body?.cancel().catch(() => {});
    throw new UrlNotAllowedError(response.url);
  }
  return response;
}

/** Causes looked at below an error, at most. */
const CAUSE_DEPTH = 4;
/** OpenSSL's and Node's codes for a certificate refused (Node puts them on the fetch error's cause). */
const CERTIFICATE_CODE =
  /^(ERR_TLS_CERT_\w+|\w*CERT\w*|\w*SELF_SIGNED\w*|UNABLE_TO_VERIFY_LEAF_SIGNATURE|INVALID_CA|HOSTNAME_MISMATCH)$/;

/** The code and message of a refused certificate among the error's causes, e.g. "CERT_HAS_EXPIRED: certificate has expired". */
export function certificateFailure(error: unknown): string | null {
  let cause: unknown = error;
  for (let depth = 0; typeof cause === 'object' && cause !== null && depth <= CAUSE_DEPTH; depth++) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && CERTIFICATE_CODE.test(code))
      return typeof message === 'string' && message !== '' ? `${code}: ${message}` : code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return null;
}

/** Turns an unusable status into an HttpStatusError (cancelling its body) with any Retry-After. */
export function statusError(ctx: RequestContext, response: HttpResponse, url: string): HttpStatusError {
  response.body?.cancel().catch(() => {});
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), ctx.clock.now());
  return new HttpStatusError(response.status, url, retryAfterMs);
}
