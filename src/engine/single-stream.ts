import { DownloadError, NetworkError, RetriesExhaustedError, TruncatedBodyError } from './errors';
import { pump } from './pump';
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

/** Downloads the whole file over one connection, for servers that do not serve ranges. */
export async function singleStream(options: SingleStreamOptions): Promise<number> {
  const { ctx, sink, remote, retry } = options;
  let opened = options.opened;
  for (let attempt = 1; ; attempt++) {
    try {
      const response = opened ?? (await openWhole(options));
      opened = null;
      const size = response.headers.get('content-encoding') ? null : remote.size;
      if (!response.body) throw new TruncatedBodyError(remote.finalUrl, size ?? 1, 0);
      const end = await pump({
        body: response.body,
        sink,
        offset: 0,
        lastByte: () => (size === null ? Number.POSITIVE_INFINITY : size - 1),
        onBytes: (bytes) => options.onBytes(bytes),
        pace: options.pace,
      });
      if (size !== null && end < size) throw new TruncatedBodyError(remote.finalUrl, size, end);
      return end;
    } catch (caught) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const error = caught instanceof DownloadError ? caught : new NetworkError(remote.finalUrl, caught);
      if (error.scope === 'job') throw error;
      if (attempt >= retry.attempts) throw new RetriesExhaustedError(attempt, error);
      options.onRestart(error);
      await sink.reset();
      await sink.begin(remote, []);
      const retryAfterMs = 'retryAfterMs' in error ? (error.retryAfterMs as number | null) : null;
      await ctx.clock.sleep(retryDelay(attempt, retry, options.random, retryAfterMs), ctx.signal);
    }
  }
}

async function openWhole(options: SingleStreamOptions): Promise<HttpResponse> {
  const { ctx, remote } = options;
  options.countRequest();
  const response = await send(ctx, remote.finalUrl, rangeHeaders(ctx.headers, null, null), ctx.signal);
  if (response.status !== 200) throw statusError(ctx, response, remote.finalUrl);
  return response;
}
