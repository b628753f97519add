import {
  ContentRangeError,
  HttpStatusError,
  LinkExpiredError,
  NoRangesError,
  ResourceChangedError,
} from './errors';
import { EXPIRED_LINK_STATUSES } from './failure';
import type { RequestContext } from './request';
import { openRange, type RangedRequest } from './session/ranged-request';
import type { HttpResponse, RemoteFile } from './types';
import { canProveSame, provesSame } from './validators';

/**
 * Renewing a link that stopped working (failure.ts 'refresh-url'). The original URL is asked again, following
 * redirects as a link resolves, and the download goes on from where it leads only if the answer is provably the
 * stored file: the same size, and the same strong ETag or the same Last-Modified. Anything else (a refusal, a
 * redirect to a URL that refuses, another size or validator, ranges that no longer fit, no validator to compare
 * at all) is a LinkExpiredError: the link cannot be renewed, and nothing stored is touched.
 */

/** A ranged request for the bytes a connection needs, to the original URL; resolves with where it led. */
export async function refreshRange(
  ctx: RequestContext,
  r: Omit<RangedRequest, 'url' | 'redirect'>,
): Promise<{ response: HttpResponse; end: number; url: string }> {
  const { remote } = r;
  if (!canProveSame(remote)) throw unprovable(remote);
  try {
    const opened = await openRange(ctx, { ...r, url: remote.url, redirect: 'follow' });
    checkSame(remote, opened.response);
    return { ...opened, url: opened.response.url || remote.url };
  } catch (error) {
    throw expiredOr(error, remote.url);
  }
}

/** A whole-file answer (no ranges) from the original URL: the same file, or a LinkExpiredError. */
export function checkRefreshedWhole(remote: RemoteFile, response: HttpResponse): void {
  if (!canProveSame(remote)) {
    response.body?.cancel().catch(() => {});
    throw unprovable(remote);
  }
  const length = response.headers.get('content-length');
  const encoded = response.headers.get('content-encoding') !== null;
  if (remote.size !== null && !encoded && length !== null && Number(length) !== remote.size) {
    response.body?.cancel().catch(() => {});
    throw new LinkExpiredError(remote.url, { kind: 'size', length, size: remote.size });
  }
  checkSame(remote, response);
}

/** What a failed refresh means: a refusal, or an answer of another file, is an expired link; the rest as is. */
export function expiredOr(error: unknown, originalUrl: string): unknown {
  if (error instanceof HttpStatusError && EXPIRED_LINK_STATUSES.has(error.status)) {
    return new LinkExpiredError(originalUrl, { kind: 'refused', inner: error.detail }, { cause: error });
  }
  if (
    error instanceof ResourceChangedError ||
    error instanceof NoRangesError ||
    error instanceof ContentRangeError
  ) {
    return new LinkExpiredError(originalUrl, { kind: 'other-file', inner: error.detail }, { cause: error });
  }
  return error;
}

function checkSame(remote: RemoteFile, response: HttpResponse): void {
  const answer = { etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified') };
  if (provesSame(remote, answer)) return;
  response.body?.cancel().catch(() => {});
  throw new LinkExpiredError(remote.url, { kind: 'unproven', url: response.url || remote.url, ...answer });
}

function unprovable(remote: RemoteFile): LinkExpiredError {
  return new LinkExpiredError(remote.url, { kind: 'no-validator' });
}
