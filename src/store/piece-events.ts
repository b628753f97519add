import type { JobId } from './schema';

/**
 * Tells readers in this worker that a job's stored pieces changed: one was stored, or all were cleared. A
 * job's generation counts its clears, so a reader that missed the event still sees that the pieces it was
 * reading are gone (and never splices bytes stored before a clear with bytes stored after it).
 */
export type PieceChange = 'stored' | 'cleared';

const target = new EventTarget();
const generations = new Map<JobId, number>();
const counts = new Map<JobId, number>();

class PieceEvent extends Event {
  constructor(
    jobId: JobId,
    readonly change: PieceChange,
  ) {
    super(jobId);
  }
}

export function announce(jobId: JobId, change: PieceChange): void {
  if (change === 'cleared') generations.set(jobId, generation(jobId) + 1);
  counts.set(jobId, changeCount(jobId) + 1);
  target.dispatchEvent(new PieceEvent(jobId, change));
}

export function generation(jobId: JobId): number {
  return generations.get(jobId) ?? 0;
}

/** How many changes the job has had: read before a look at the store, passed to `nextChange` after it. */
export function changeCount(jobId: JobId): number {
  return counts.get(jobId) ?? 0;
}

/**
 * The job's next change after the `since`-th (at once if it already happened while the caller looked), or
 * 'timeout' after `timeoutMs`, or 'aborted'.
 */
export function nextChange(
  jobId: JobId,
  since: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<PieceChange | 'changed' | 'timeout' | 'aborted'> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve('aborted');
    if (changeCount(jobId) !== since) return resolve('changed');
    const done = (result: PieceChange | 'changed' | 'timeout' | 'aborted') => {
      clearTimeout(timer);
      target.removeEventListener(jobId, onChange);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onChange = (event: Event) => done((event as PieceEvent).change);
    const onAbort = () => done('aborted');
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    target.addEventListener(jobId, onChange);
    signal?.addEventListener('abort', onAbort);
  });
}
