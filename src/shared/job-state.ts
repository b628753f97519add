import type { ErrorDetail } from '../engine/error-detail';

/**
 * The job state machine, one pure `transition(state, event)`. An event a state does not accept returns null.
 *
 *            ┌──────────── interrupted (worker restarted) ───────┐
 *            ▼                                                   │
 *   ──▶ queued ──────────────── start ────────────────────▶ running ── fetched ──▶ completing ── saved ──▶ completed
 *        │  ▲  ▲                                             │  │  │                  │ (saving: the browser
 *        │  │  └──────── resume ──────── paused ◀── pause ───┘  │  │                  │  download has an id)
 *        │  │                              ▲                    │  └─ fail ─▶ failed ◀┘ fail
 *        └──┼────────────── pause ─────────┘                    │               │
 *           └─────────────────────── retry ─────────────────────┼───────────────┘
 *                                                               └─ hand-back ─▶ handed-to-browser (also from queued)
 *
 *   cancel: every state that is not final ──▶ cancelled.   Final: completed, cancelled, handed-to-browser.
 *   A cancelled job is deleted (record and pieces) as soon as no run of it is left.
 */
export interface SerializedError {
  name: string;
  code: string | null;
  /** The engine's English words (or a platform error's message). */
  message: string;
  /** What an engine error states, for the user's language (error-text.ts); absent for other errors. */
  detail?: ErrorDetail;
}

export type JobState =
  | { status: 'queued' }
  | { status: 'running' }
  | { status: 'paused' }
  /** Every byte is stored; assembling, then the browser saves it (downloadId once it has started). */
  | { status: 'completing'; downloadId: number | null }
  | { status: 'completed'; downloadId: number }
  | { status: 'failed'; error: SerializedError }
  | { status: 'cancelled' }
  | { status: 'handed-to-browser'; reason: string };

export type JobStatus = JobState['status'];

export type JobEvent =
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'retry' }
  | { type: 'cancel' }
  | { type: 'interrupted' }
  | { type: 'fetched' }
  | { type: 'saving'; downloadId: number }
  | { type: 'saved'; downloadId: number }
  | { type: 'fail'; error: SerializedError }
  | { type: 'hand-back'; reason: string };

export function transition(state: JobState, event: JobEvent): JobState | null {
  switch (event.type) {
    case 'start':
      return state.status === 'queued' ? { status: 'running' } : null;
    case 'pause':
      return state.status === 'queued' || state.status === 'running' ? { status: 'paused' } : null;
    case 'resume':
      return state.status === 'paused' ? { status: 'queued' } : null;
    case 'retry':
      return state.status === 'failed' ? { status: 'queued' } : null;
    case 'interrupted':
      return state.status === 'running' ? { status: 'queued' } : null;
    case 'cancel':
      return isFinal(state) ? null : { status: 'cancelled' };
    case 'fetched':
      return state.status === 'running' ? { status: 'completing', downloadId: null } : null;
    case 'saving':
      // A new id replaces an old one: after a worker restart a lost save is started again.
      return state.status === 'completing' ? { status: 'completing', downloadId: event.downloadId } : null;
    case 'saved':
      // The browser may report the file complete before `saving` was recorded: accept either order.
      return state.status === 'completing' ? { status: 'completed', downloadId: event.downloadId } : null;
    case 'fail':
      return state.status === 'running' || state.status === 'completing'
        ? { status: 'failed', error: event.error }
        : null;
    case 'hand-back':
      return state.status === 'running' || state.status === 'queued'
        ? { status: 'handed-to-browser', reason: event.reason }
        : null;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export function isFinal(state: JobState): boolean {
  return state.status === 'completed' || state.status === 'cancelled' || state.status === 'handed-to-browser';
}

/** Jobs that need the worker awake: fetching, waiting for a slot, or being saved. */
export function isActive(state: JobState): boolean {
  return state.status === 'queued' || state.status === 'running' || state.status === 'completing';
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const { code, detail } = error as { code?: unknown; detail?: ErrorDetail };
    const serialized: SerializedError = {
      name: error.name,
      code: typeof code === 'string' ? code : null,
      message: error.message,
    };
    if (detail && typeof detail === 'object' && typeof detail.kind === 'string') serialized.detail = detail;
    return serialized;
  }
  return { name: 'Error', code: null, message: String(error) };
}
