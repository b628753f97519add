import { HttpStatusError, NetworkError } from './errors';
import { parseRetryAfter } from './retry-policy';
import type { Clock, Fetcher, HttpResponse } from './types';

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

/** One GET; network failures become NetworkError, and an abort keeps the signal's reason. */
export async function send(
  ctx: RequestContext,
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<HttpResponse> {
  try {
    return await ctx.fetcher({ url, headers, signal });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new NetworkError(url, error);
  }
}

/** Turns an unusable status into an HttpStatusError (cancelling its body) with any Retry-After. */
export function statusError(ctx: RequestContext, response: HttpResponse, url: string): HttpStatusError {
  response.body?.cancel().catch(() => {});
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), ctx.clock.now());
  return new HttpStatusError(response.status, url, retryAfterMs);
}
