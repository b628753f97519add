/**
 * The state machine of one save: a browser download fed by a save stream (saver.ts). One pure
 * `transition(state, event)`; an event a state does not accept returns null. The saver carries out what a
 * step decides: `discard` names a browser download of ours to cancel and erase.
 *
 *                     (a worker restarted)
 *                                 │ adopted
 *                                 ▼
 *   ──▶ opening ── created ──▶ writing ── complete ──▶ written ── check ──▶ checked
 *        │   │                    │                    │  ▲  │               (the final check took it: the
 *        │   └─ timed-out ─▶ lost │                    │  └──┘ complete      job is saved, or failed)
 *        │                   │    │                    │
 *        └────── drop ───────┴────┴──── drop ──────────┴──▶ dropped ── created ──▶ dropped
 *                                       (discard it)                (discard the download created late)
 *
 *   opening: the stream's URL exists and the offscreen document was asked to open it; the browser has not
 *            reported the download yet.
 *   writing: the browser writes the file (the stored prefix as it grows). Adopted: after a worker restart, an
 *            earlier worker's save the browser has every byte of, left for it to finish (save-downloads.ts).
 *   written: the browser reported the file complete, possibly before the job had every byte; the saver's check
 *            (every byte, exactly the size) finishes the job once it reaches `completing`.
 *   lost:    the browser never turned the stream into a download in time.
 *   dropped: forgotten (the job paused, failed, was cancelled, or its file changed): a download the browser
 *            creates for it, now or later, is discarded.
 */
export type SaveState =
  | { phase: 'opening' }
  | { phase: 'writing'; downloadId: number }
  | { phase: 'written'; downloadId: number }
  | { phase: 'checked'; downloadId: number }
  | { phase: 'lost' }
  | { phase: 'dropped'; downloadId: number | null };

export type SaveEvent =
  /** downloads.onCreated for the save's URL. */
  | { type: 'created'; downloadId: number }
  | { type: 'timed-out' }
  /** The browser reports the download complete. */
  | { type: 'complete' }
  /** The final check of the saved file takes the save over. */
  | { type: 'check' }
  | { type: 'drop' };

export interface SaveStep {
  state: SaveState;
  /** A browser download of ours that will not be the file: cancel it and erase it from the browser's list. */
  discard: number | null;
}

export const OPENING: SaveState = { phase: 'opening' };

/** The state of an earlier worker's save, taken over after a restart: every byte received, not yet complete. */
export function adopted(downloadId: number): SaveState {
  return { phase: 'writing', downloadId };
}

export function transition(state: SaveState, event: SaveEvent): SaveStep | null {
  switch (event.type) {
    case 'created':
      if (state.phase === 'opening') return step({ phase: 'writing', downloadId: event.downloadId });
      if (state.phase === 'dropped' && state.downloadId === null)
        return step({ phase: 'dropped', downloadId: event.downloadId }, event.downloadId);
      return null;
    case 'timed-out':
      return state.phase === 'opening' ? step({ phase: 'lost' }) : null;
    case 'complete':
      // Reported again while written (a search found it complete too): still written, checked once.
      return state.phase === 'writing' || state.phase === 'written'
        ? step({ phase: 'written', downloadId: state.downloadId })
        : null;
    case 'check':
      return state.phase === 'written' ? step({ phase: 'checked', downloadId: state.downloadId }) : null;
    case 'drop':
      switch (state.phase) {
        case 'opening':
        case 'lost':
          return step({ phase: 'dropped', downloadId: null });
        case 'writing':
        case 'written':
          return step({ phase: 'dropped', downloadId: state.downloadId }, state.downloadId);
        case 'checked':
        case 'dropped':
          return null;
        default: {
          const _exhaustive: never = state;
          return _exhaustive;
        }
      }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** The browser's download id of the save, once it has created the download. */
export function downloadIdOf(state: SaveState): number | null {
  return 'downloadId' in state ? state.downloadId : null;
}

function step(state: SaveState, discard: number | null = null): SaveStep {
  return { state, discard };
}
