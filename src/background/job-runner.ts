import { download } from '../engine/download';
import type { DownloadNotice, Progress, RemoteFile } from '../engine/types';
import { createFetcher } from '../net/fetcher';
import { systemClock } from '../shared/system-clock';
import { createPieceSink } from '../store/piece-sink';
import type { JobRecord, Store } from '../store/schema';
import { describeSize } from './intercept';

/** A job the worker is fetching right now. */
export interface LiveJob {
  readonly controller: AbortController;
  progress: Progress | null;
}

export type RunOutcome =
  | { kind: 'fetched'; remote: RemoteFile }
  /** Paused or cancelled: the command that aborted it already recorded the new state. */
  | { kind: 'stopped' }
  /** The server ignores Range: the browser's own downloader does a single stream better. */
  | { kind: 'no-ranges' }
  | { kind: 'failed'; error: unknown };

const NO_RANGES = 'no-ranges';

export interface RunOptions {
  maxConnections: number;
  onProgress: () => void;
  onNote: (note: string) => void;
}

/** Runs one job through the engine into IndexedDB, resuming from whatever pieces are stored. */
export async function runJob(
  db: Store,
  job: JobRecord,
  live: LiveJob,
  options: RunOptions,
): Promise<RunOutcome> {
  try {
    const result = await download({
      url: job.url,
      fetcher: createFetcher(),
      clock: systemClock,
      sink: createPieceSink(db, job.id),
      maxConnections: options.maxConnections,
      signal: live.controller.signal,
      onProgress: (progress) => {
        live.progress = progress;
        options.onProgress();
      },
      onNotice: (notice) => {
        if (notice.type === 'single-stream') live.controller.abort(NO_RANGES);
        else options.onNote(describeNotice(notice));
      },
    });
    return { kind: 'fetched', remote: result.remote };
  } catch (error) {
    const { signal } = live.controller;
    if (signal.aborted) return signal.reason === NO_RANGES ? { kind: 'no-ranges' } : { kind: 'stopped' };
    return { kind: 'failed', error };
  }
}

function describeNotice(notice: Exclude<DownloadNotice, { type: 'single-stream' }>): string {
  switch (notice.type) {
    case 'resumed':
      return `resumed after ${describeSize(notice.doneBytes)}`;
    case 'restarted':
      return notice.reason === 'changed'
        ? 'the file changed on the server: restarted'
        : 'restarted from zero';
    case 'unverified-resume':
      return 'resumed without a validator: only the size was re-checked';
    case 'connections-lowered':
      return `the server answered ${notice.status}: down to ${notice.connections} connections`;
    case 'retrying':
      return `retrying (attempt ${notice.attempt}): ${notice.error}`;
    default: {
      const _exhaustive: never = notice;
      return _exhaustive;
    }
  }
}
