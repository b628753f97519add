import { parseContentRange } from './content-range';
import { serverDigest } from './digest';
import { ContentRangeError, ResourceChangedError } from './errors';
import { classifyFailure } from './failure';
import { chooseFilename } from './filename';
import { expiredOr } from './refresh';
import { type RangeSpec, type RequestContext, rangeHeaders, send, statusError } from './request';
import { retryDelay } from './retry-policy';
import type { HttpResponse, RedirectMode, RemoteFile, RetryOptions } from './types';

export type ProbeOutcome =
  /** 206: ranges work; `response` streams the file from the asked offset. */
  | {
      kind: 'ranges';
      remote: RemoteFile;
      response: HttpResponse;
      start: number;
      end: number;
      encoded: boolean;
    }
  /** 200: the whole file, no ranges (or If-Range failed). */
  | { kind: 'whole'; remote: RemoteFile; response: HttpResponse }
  /** 416: nothing at that offset; `size` is the server's total. */
  | { kind: 'unsatisfiable'; remote: RemoteFile };

/**
 * Opens the file with a ranged GET (never HEAD: many servers answer HEAD wrongly or not at all) and keeps the
 * response so its body serves as the first piece.
 */
export async function openProbe(
  ctx: RequestContext,
  url: string,
  range: RangeSpec,
  ifRange: string | null,
  redirect: RedirectMode = 'follow',
): Promise<ProbeOutcome> {
  const { start } = range;
  const headers = rangeHeaders(ctx.headers, range, ifRange);
  const response = await send(ctx, { url, headers, signal: ctx.signal, redirect });
  if (response.status === 416) {
    response.body?.cancel().catch(() => {});
    const parsed = parseContentRange(response.headers.get('content-range'));
    const size = parsed && 'unsatisfied' in parsed ? parsed.total : null;
    return { kind: 'unsatisfiable', remote: { ...describeRemote(url, response, true), size } };
  }
  if (response.status === 200) {
    return { kind: 'whole', remote: describeRemote(url, response, false), response };
  }
  if (response.status !== 206) throw statusError(ctx, response, url);
  const parsed = parseContentRange(response.headers.get('content-range'));
  if (!parsed || 'unsatisfied' in parsed || parsed.start !== start) {
    response.body?.cancel().catch(() => {});
    throw new ContentRangeError(url, { kind: 'probe', header: response.headers.get('content-range') });
  }
  const encoding = response.headers.get('content-encoding');
  const encoded = encoding !== null && encoding.trim().toLowerCase() !== 'identity';
  const remote = describeRemote(url, response, parsed.total !== null && !encoded);
  const size = encoded ? null : parsed.total;
  return { kind: 'ranges', remote: { ...remote, size }, response, start, end: parsed.end, encoded };
}

function describeRemote(url: string, response: HttpResponse, acceptRanges: boolean): RemoteFile {
  const h = response.headers;
  const mime = h.get('content-type')?.split(';')[0]?.trim().toLowerCase() || null;
  const encoding = h.get('content-encoding');
  const length = h.get('content-length');
  // A Content-Length of an encoded body is not the file's size.
  const size = !encoding && length !== null && /^\d+$/.test(length) ? Number(length) : null;
  return {
    url,
    finalUrl: response.url || url,
    size,
    acceptRanges,
    etag: h.get('etag'),
    lastModified: h.get('last-modified'),
    mime,
    digest: serverDigest(h),
    filename: chooseFilename({
      contentDisposition: h.get('content-disposition'),
      url: response.url || url,
      mime,
    }),
  };
}

/** Learns what the server says about `url` without downloading it. */
export async function probe(ctx: RequestContext, url: string): Promise<RemoteFile> {
  const outcome = await openProbe(ctx, url, { start: 0, end: null }, null);
  if (outcome.kind !== 'unsatisfiable') outcome.response.body?.cancel().catch(() => {});
  return outcome.remote;
}

export interface ProbeRetry {
  retry: RetryOptions;
  random: () => number;
  onRequest: () => void;
  onRetry: (attempt: number, delayMs: number, error: Error) => void;
}

/** The URL a download fetches from, and the one fresh links come from (the same when it was not resolved yet). */
export interface ProbeLink {
  url: string;
  originalUrl: string;
}

/**
 * `openProbe`, retried (bounded, with backoff) while failure.ts says a retry may help. The original URL is asked
 * following redirects (a link resolving); a URL it resolved to is asked without, and when that one refuses or
 * redirects, the original is asked instead: a refusal there is a LinkExpiredError. What the probe finds is then
 * held to the resume rules like any probe. The outcome's `remote.url` is the original URL.
 */
export async function openProbeWithRetry(
  ctx: RequestContext,
  link: ProbeLink,
  range: RangeSpec,
  ifRange: string | null,
  r: ProbeRetry,
): Promise<ProbeOutcome> {
  const { originalUrl } = link;
  let url = link.url;
  for (let attempt = 1; ; attempt++) {
    const resolving = url === originalUrl;
    try {
      r.onRequest();
      const outcome = await openProbe(ctx, url, range, ifRange, resolving ? 'follow' : 'manual');
      return { ...outcome, remote: { ...outcome.remote, url: originalUrl } };
    } catch (caught) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const error = resolving && url !== link.url ? expiredOr(caught, originalUrl) : caught;
      const action = classifyFailure(error, { originalUrl, othersReceiving: false });
      if (action.kind === 'refresh-url' && !resolving && attempt < r.retry.attempts) {
        url = originalUrl;
        r.onRetry(attempt, 0, error as Error);
        continue;
      }
      if (action.kind !== 'retry' && action.kind !== 'fewer-connections') throw error;
      if (attempt >= r.retry.attempts) throw error;
      const delayMs = retryDelay(attempt, r.retry, r.random, action.retryAfterMs);
      r.onRetry(attempt, delayMs, error as Error);
      await ctx.clock.sleep(delayMs, ctx.signal);
    }
  }
}

/**
 * What a probe answer that is not usable ranges leads to: an empty file (416 to `bytes=0-` with size 0), one
 * stream of the whole file (reusing a 200's body; an encoded 206 is cancelled), or, when resuming stored pieces,
 * a changed file (thrown: the job restarts from zero).
 */
export function withoutRanges(
  outcome: ProbeOutcome,
  resuming: boolean,
  url: string,
  from: number,
): { kind: 'empty' } | { kind: 'single'; reason: string; opened: HttpResponse | null } {
  if (outcome.kind === 'unsatisfiable') {
    if (from === 0 && (outcome.remote.size ?? 0) === 0) return { kind: 'empty' };
    throw new ResourceChangedError(url, { kind: 'resume-unsatisfiable' });
  }
  const reusable = outcome.kind === 'whole';
  if (resuming || !reusable) outcome.response.body?.cancel().catch(() => {});
  if (resuming) throw new ResourceChangedError(url, { kind: 'ranges-gone' });
  const reason = reusable ? 'the server does not serve byte ranges' : 'ranged responses are content-encoded';
  return { kind: 'single', reason, opened: reusable ? outcome.response : null };
}
