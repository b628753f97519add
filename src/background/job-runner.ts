import { download } from '../engine/download';
import type { HostPool } from '../engine/host-pool';
import { totalLength } from '../engine/ranges';
import type { RateLimiter } from '../engine/rate-limiter';
import type { PieceSink, Progress, RemoteFile } from '../engine/types';
import { createFetcher } from '../net/fetcher';
import { errorText } from '../shared/error-text';
import { t } from '../shared/i18n';
import { serializeError } from '../shared/job-state';
import { systemClock } from '../shared/system-clock';
import { createPieceSink } from '../store/piece-sink';
import type { JobRecord, Store } from '../store/schema';
import { GainMeter } from './gain-meter';
import { recordGain } from './gains';
import { describeNotice, warningFor } from './notices';
import { type StopReason, stopReasonOf, stopRun } from './stop-reason';
import { ensureSpace, isOutOfSpace, NotEnoughSpaceError, spaceNeeded } from './storage-space';

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
  /** The rest of the file does not fit in storage: pause, keep the pieces, say why. */
  | { kind: 'no-space'; message: string }
  /** The link expired and no fresh one worked: pause, keep the pieces, say why. */
  | { kind: 'link-expired'; message: string }
  | { kind: 'failed'; error: unknown };

/** How often a running job re-checks that the rest of the file still fits. */
const SPACE_CHECK_MS = 2_000;

export interface RunOptions {
  maxConnections: number;
  /** Whether the job may request a URL (its first, its resolved one, a renewed link). */
  allowUrl: (url: string) => boolean;
  /** Connections per host, shared by all jobs. */
  pool: HostPool;
  /** Speed limits to pace this job's reads by. */
  limits: readonly RateLimiter[];
  /** What the probe learned of the file, to be recorded on the job before any piece is stored. */
  recordFile: (remote: RemoteFile) => Promise<void>;
  onProgress: () => void;
  onNote: (note: string) => void;
  /** A warning about the file's integrity: the job keeps it whatever notes follow. */
  onWarning: (warning: string) => void;
  /** The file is known and its stored pieces are its own from now on. */
  onBegin?: (remote: RemoteFile) => void;
}

/** Runs one job through the engine into IndexedDB, resuming from whatever pieces are stored. */
export async function runJob(
  db: Store,
  job: JobRecord,
  live: LiveJob,
  options: RunOptions,
): Promise<RunOutcome> {
  const { controller } = live;
  const space = new SpaceWatch((error) => stopRun(controller, { kind: 'no-space', message: error.message }));
  try {
    // Known size (the browser's, or a previous probe's): check before the first request.
    const knownSize = job.remote?.size ?? job.sizeBytes;
    if (knownSize !== null) await ensureSpace(spaceNeeded(knownSize, totalLength(job.done)));
    const gain = new GainMeter(job.probedBytesPerSecond ?? null);
    const result = await download({
      url: job.url,
      originalUrl: job.originalUrl ?? job.url,
      allowUrl: options.allowUrl,
      fetcher: createFetcher(),
      clock: systemClock,
      sink: checkingSpace(createPieceSink(db, job.id, options.recordFile), options.onBegin),
      maxConnections: options.maxConnections,
      // The take-over's probe timed one connection a moment ago: no run of small first pieces to learn it.
      expectedBytesPerSecond: job.probedBytesPerSecond,
      // All connections from the start: the browser allows at most 6 per host anyway, and in Chromium the
      // ramp's steps, measured over whole-response pieces stored one by one, often stopped at 4 of 6.
      ramp: false,
      pool: options.pool,
      limits: options.limits,
      signal: controller.signal,
      onProgress: (progress) => {
        live.progress = progress;
        gain.sample(progress, systemClock.now());
        space.check(progress);
        options.onProgress();
      },
      onNotice: (notice) => {
        if (notice.type === 'single-stream') stopRun(controller, { kind: 'no-ranges' });
        else {
          options.onNote(describeNotice(notice));
          const warning = warningFor(notice);
          if (warning) options.onWarning(warning);
        }
      },
    });
    await recordGain(job.id, gain.result()).catch(() => {});
    return { kind: 'fetched', remote: result.remote };
  } catch (error) {
    const stopped = stopReasonOf(controller.signal);
    // Only the worker aborts a run, always with a StopReason: whatever the engine threw then is its echo.
    if (stopped) return outcomeOf(stopped);
    if (error instanceof NotEnoughSpaceError) return { kind: 'no-space', message: error.message };
    if (isOutOfSpace(error)) {
      return { kind: 'no-space', message: t('note_storage_full') };
    }
    if ((error as { code?: unknown } | null)?.code === 'LINK_EXPIRED')
      return { kind: 'link-expired', message: errorText(serializeError(error)) };
    return { kind: 'failed', error };
  }
}

function outcomeOf(reason: StopReason): RunOutcome {
  switch (reason.kind) {
    case 'pause':
    case 'cancel':
      return { kind: 'stopped' };
    case 'no-ranges':
      return { kind: 'no-ranges' };
    case 'no-space':
      return { kind: 'no-space', message: reason.message };
    default: {
      const _exhaustive: never = reason;
      return _exhaustive;
    }
  }
}

/** Once the probe knows the size, nothing is stored unless the rest of the file fits. */
function checkingSpace(sink: PieceSink, onBegin?: (remote: RemoteFile) => void): PieceSink {
  return {
    ...sink,
    async begin(remote, done) {
      if (remote.size !== null) await ensureSpace(spaceNeeded(remote.size, totalLength(done)));
      await sink.begin(remote, done);
      onBegin?.(remote);
    },
  };
}

/** Re-checks the space left every few seconds while a job runs; `onFull` stops it. */
class SpaceWatch {
  private lastMs = Date.now();
  private checking = false;

  constructor(private readonly onFull: (error: NotEnoughSpaceError) => void) {}

  check(progress: Progress): void {
    if (this.checking || progress.totalBytes === null || Date.now() - this.lastMs < SPACE_CHECK_MS) return;
    this.checking = true;
    this.lastMs = Date.now();
    ensureSpace(spaceNeeded(progress.totalBytes, progress.doneBytes))
      .catch((error: unknown) => {
        if (error instanceof NotEnoughSpaceError) this.onFull(error);
      })
      .finally(() => {
        this.checking = false;
      });
  }
}
