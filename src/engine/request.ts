import { HttpStatusError, NetworkError, RedirectedError, UrlNotAllowedError } from './errors';
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

/** Turns an unusable status into an HttpStatusError (cancelling its body) with any Retry-After. */
export function statusError(ctx: RequestContext, response: HttpResponse, url: string): HttpStatusError {
  response.body?.cancel().catch(() => {});
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), ctx.clock.now());
  return new HttpStatusError(response.status, url, retryAfterMs);
}
