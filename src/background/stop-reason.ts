/**
 * Why the worker stops a job's run: the reason its AbortController is aborted with, read back by the run when
 * the engine returns (the engine keeps it as AbortedError's `reason`, and the signal keeps it too). One typed
 * union, so what aborted a run is never guessed from a string or an error class.
 */
export type StopReason =
  /** The user paused it, or cancelled its save in the browser: the command already recorded `paused`. */
  | { kind: 'pause' }
  /** The user cancelled it: the command already recorded `cancelled`; the run's end deletes the job. */
  | { kind: 'cancel' }
  /** The server ignores Range: the browser's own downloader does a single stream better. */
  | { kind: 'no-ranges' }
  /** The rest of the file no longer fits in storage; `message` says how much is missing. */
  | { kind: 'no-space'; message: string };

const KINDS: Record<StopReason['kind'], true> = {
  pause: true,
  cancel: true,
  'no-ranges': true,
  'no-space': true,
};

/** Stops a run for `reason` (a run already stopped keeps its first reason). */
export function stopRun(controller: AbortController, reason: StopReason): void {
  controller.abort(reason);
}

/** The reason a run was stopped with; null while it runs, or when something else aborted it. */
export function stopReasonOf(signal: AbortSignal): StopReason | null {
  return signal.aborted && isStopReason(signal.reason) ? signal.reason : null;
}

function isStopReason(value: unknown): value is StopReason {
  if (typeof value !== 'object' || value === null) return false;
  const { kind } = value as { kind?: unknown };
  return typeof kind === 'string' && Object.hasOwn(KINDS, kind);
}
