import { DownloadError, NetworkError, RetriesExhaustedError, TruncatedBodyError } from './errors';
import { classifyFailure } from './failure';
import { pump } from './pump';
import { checkRefreshedWhole, expiredOr } from './refresh';
import { type RequestContext, rangeHeaders, send, statusError } from './request';
import { retryDelay } from './retry-policy';
import type { HttpResponse, PieceSink, RemoteFile, RetryOptions } from './types';

export interface SingleStreamOptions {
  ctx: RequestContext;
  sink: PieceSink;
  remote: RemoteFile;
  retry: RetryOptions;
  random: () => number;
  /** A response already open on the whole file (the probe's), used for the first attempt. */
  opened: HttpResponse | null;
  onBytes: (bytes: number) => void;
  /** The bytes of a failed attempt are discarded: a stream without ranges can only restart from zero. */
  onRestart: (error: DownloadError) => void;
  countRequest: () => void;
  /** Speed limits to pace reads by. */
  pace?: (bytes: number) => Promise<void>;
}

/**
 * Downloads the whole file over one connection, for servers that do not serve ranges. A failure retried (as
 * failure.ts decides) starts again from zero, once the next answer has come (a download that stops keeps what it
 * has). The URL the link resolved to is asked without following redirects; when it refuses or redirects, the
 * original URL is asked again (refresh.ts): the answer must be provably the same file.
 */
export async function singleStream(options: SingleStreamOptions): Promise<number> {
  const { ctx, sink, remote, retry } = options;
  let opened = options.opened;
  let url = remote.finalUrl;
  let refreshing = false;
  let failed: DownloadError | null = null;
  for (let attempt = 1; ; attempt++) {
    try {
      const response = opened ?? (await openWhole(options, url, refreshing));
      opened = null;
      if (refreshing) url = response.url || remote.url;
      refreshing = false;
      if (failed) {
        options.onRestart(failed);
        await sink.reset();
        await sink.begin(remote, []);
        failed = null;
      }
      const size = response.headers.get('content-encoding') ? null : remote.size;
      if (!response.body) throw new TruncatedBodyError(url, size ?? 1, 0);
      const end = await pump({
        body: response.body,
        sink,
        offset: 0,
        lastByte: () => (size === null ? Number.POSITIVE_INFINITY : size - 1),
        onBytes: (bytes) => options.onBytes(bytes),
        pace: options.pace,
      });
      if (size !== null && end < size) throw new TruncatedBodyError(url, size, end);
      return end;
    } catch (caught) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const wrapped = caught instanceof DownloadError ? caught : new NetworkError(url, caught);
      const error = (refreshing ? expiredOr(wrapped, remote.url) : wrapped) as DownloadError;
      const action = classifyFailure(error, { originalUrl: remote.url, othersReceiving: false });
      if (action.kind === 'fail-job' || action.kind === 'drop-connection') throw error;
      if (attempt >= retry.attempts) throw new RetriesExhaustedError(attempt, error);
      if (action.kind === 'refresh-url') refreshing = true;
      failed = error;
      const retryAfterMs = action.kind === 'refresh-url' ? null : action.retryAfterMs;
      await ctx.clock.sleep(retryDelay(attempt, retry, options.random, retryAfterMs), ctx.signal);
    }
  }
}

/** A GET of the whole file: to the resolved URL without following redirects, or to renew the link. */
async function openWhole(options: SingleStreamOptions, url: string, refresh: boolean): Promise<HttpResponse> {
  const { ctx, remote } = options;
  options.countRequest();
  const headers = rangeHeaders(ctx.headers, null, null);
  const target = refresh ? remote.url : url;
  const response = await send(ctx, {
    url: target,
    headers,
    signal: ctx.signal,
    redirect: refresh ? 'follow' : 'manual',
  });
  if (response.status !== 200) throw statusError(ctx, response, target);
  if (refresh) checkRefreshedWhole(remote, response);
  return response;
}
