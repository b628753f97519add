import { checkRangeResponse } from '../content-range';
import { ContentRangeError, NoRangesError, ResourceChangedError } from '../errors';
import { type RequestContext, rangeHeaders, send, statusError } from '../request';
import type { HttpResponse, RedirectMode, RemoteFile } from '../types';
import { isWeakEtag } from '../validators';

export interface RangedRequest {
  url: string;
  start: number;
  end: number;
  /** The If-Range value (strong ETag or Last-Modified), or null. */
  ifRange: string | null;
  remote: RemoteFile & { size: number };
  signal: AbortSignal;
  /** 'manual' for the URL the link resolved to; 'follow' only to renew the link from the original URL. */
  redirect: RedirectMode;
}

/**
 * One ranged GET, validated (RFC 9110): resolves with the response and the last byte it carries, which may be
 * short of `end` (an honest short answer). Rejects with what the answer means: a 200 is no ranges (or, with
 * If-Range, a changed file), a 416 a changed file, another status an HttpStatusError (what to do about it is
 * failure.ts's call), a Content-Range that does not match the request a ContentRangeError.
 */
export async function openRange(
  ctx: RequestContext,
  r: RangedRequest,
): Promise<{ response: HttpResponse; end: number }> {
  const { url, remote } = r;
  const requested = { start: r.start, end: r.end };
  const headers = rangeHeaders(ctx.headers, requested, r.ifRange);
  const response = await send(ctx, { url, headers, signal: r.signal, redirect: r.redirect });
  if (response.status === 200) {
    response.body?.cancel().catch(() => {});
    const etag = response.headers.get('etag');
    if (r.ifRange && etag !== remote.etag) throw new ResourceChangedError(url, { kind: 'if-range' });
    throw new NoRangesError(url);
  }
  if (response.status === 416) {
    response.body?.cancel().catch(() => {});
    throw new ResourceChangedError(url, { kind: 'unsatisfiable', ...requested });
  }
  if (response.status !== 206) throw statusError(ctx, response, url);
  try {
    const checked = checkRangeResponse({
      url,
      requested,
      contentRange: response.headers.get('content-range'),
      contentEncoding: response.headers.get('content-encoding'),
      etag: response.headers.get('etag'),
      expectedTotal: remote.size,
      expectedEtag: remote.etag,
    });
    return { response, end: checked.end };
  } catch (error) {
    response.body?.cancel().catch(() => {});
    const sameTag = remote.etag !== null && response.headers.get('etag') === remote.etag;
    // Same strong validator, different total: the server is inconsistent, not the file changed.
    if (
      error instanceof ResourceChangedError &&
      sameTag &&
      remote.etag !== null &&
      !isWeakEtag(remote.etag)
    ) {
      throw new ContentRangeError(url, { kind: 'total', inner: error.detail });
    }
    throw error;
  }
}
