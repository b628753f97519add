import { download } from '../../src/engine/download';
import type { DownloadNotice, DownloadOptions, DownloadResult, SavedState } from '../../src/engine/types';
import { createFetcher } from '../../src/net/fetcher';
import { systemClock } from '../../src/shared/system-clock';
import { MemorySink } from './memory-sink';

export interface EngineRun {
  sink: MemorySink;
  notices: DownloadNotice[];
  result: DownloadResult | null;
  error: unknown;
}

/** Runs the engine against `url` into a MemorySink, with fast retries; never throws. */
export async function runEngine(
  url: string,
  options: Partial<DownloadOptions> & { saved?: SavedState | null; sink?: MemorySink } = {},
): Promise<EngineRun> {
  const sink = options.sink ?? new MemorySink(options.saved ?? null);
  const notices: DownloadNotice[] = [];
  const run: EngineRun = { sink, notices, result: null, error: null };
  try {
    run.result = await download({
      url,
      fetcher: createFetcher(),
      clock: systemClock,
      maxConnections: 4,
      retry: { attempts: 5, baseDelayMs: 20, maxDelayMs: 200, factor: 2 },
      ...options,
      sink,
      onNotice: (n) => {
        notices.push(n);
        options.onNotice?.(n);
      },
    });
  } catch (error) {
    run.error = error;
  }
  return run;
}

export const MIB = 1024 * 1024;
