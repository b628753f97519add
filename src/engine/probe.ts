import { parseContentRange } from './content-range';
import { ContentRangeError, ResourceChangedError } from './errors';
import { classifyFailure } from './failure';
import { chooseFilename } from './filename';
import { type RangeSpec, type RequestContext, rangeHeaders, send, statusError } from './request';
import { retryDelay } from './retry-policy';
import type { HttpResponse, RemoteFile, RetryOptions } from './types';

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
): Promise<ProbeOutcome> {
  const { start } = range;
  const response = await send(ctx, url, rangeHeaders(ctx.headers, range, ifRange), ctx.signal);
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
    throw new ContentRangeError(url, `probe got Content-Range "${response.headers.get('content-range')}"`);
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

/** `openProbe`, retried (bounded, with backoff) while failure.ts says a retry may help. */
export async function openProbeWithRetry(
  ctx: RequestContext,
  url: string,
  range: RangeSpec,
  ifRange: string | null,
  r: ProbeRetry,
): Promise<ProbeOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      r.onRequest();
      return await openProbe(ctx, url, range, ifRange);
    } catch (error) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      // The probe asks the original URL itself: nothing to refresh it from.
      const action = classifyFailure(error, { originalUrl: url, othersReceiving: false });
      if (action.kind === 'fail-job' || action.kind === 'refresh-url' || attempt >= r.retry.attempts)
        throw error;
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
    throw new ResourceChangedError(url, 'the resumed range is no longer satisfiable');
  }
  const reusable = outcome.kind === 'whole';
  if (resuming || !reusable) outcome.response.body?.cancel().catch(() => {});
  if (resuming)
    throw new ResourceChangedError(url, 'the server no longer serves the stored version as ranges');
  const reason = reusable ? 'the server does not serve byte ranges' : 'ranged responses are content-encoded';
  return { kind: 'single', reason, opened: reusable ? outcome.response : null };
}
