import { describe, expect, it } from 'vitest';
import {
  adopted,
  downloadIdOf,
  OPENING,
  type SaveEvent,
  type SaveState,
  type SaveStep,
  transition,
} from '../../src/background/save-state';

const S = {
  opening: OPENING,
  writing: { phase: 'writing', downloadId: 7 },
  written: { phase: 'written', downloadId: 7 },
  checked: { phase: 'checked', downloadId: 7 },
  lost: { phase: 'lost' },
  droppedEarly: { phase: 'dropped', downloadId: null },
  dropped: { phase: 'dropped', downloadId: 7 },
} satisfies Record<string, SaveState>;

const E = {
  created: { type: 'created', downloadId: 7 },
  timedOut: { type: 'timed-out' },
  complete: { type: 'complete' },
  check: { type: 'check' },
  drop: { type: 'drop' },
} satisfies Record<string, SaveEvent>;

const to = (state: SaveState, discard: number | null = null): SaveStep => ({ state, discard });

describe('save state machine', () => {
  // Every state against every event: a row with null is an event the state does not accept.
  it.each<[keyof typeof S, keyof typeof E, SaveStep | null]>([
    ['opening', 'created', to(S.writing)],
    ['opening', 'timedOut', to(S.lost)],
    ['opening', 'complete', null],
    ['opening', 'check', null],
    ['opening', 'drop', to(S.droppedEarly)], // nothing to discard yet: it is, once created

    ['writing', 'created', null],
    ['writing', 'timedOut', null],
    ['writing', 'complete', to(S.written)],
    ['writing', 'check', null], // not complete yet: nothing to check
    ['writing', 'drop', to(S.dropped, 7)],

    ['written', 'created', null],
    ['written', 'timedOut', null],
    ['written', 'complete', to(S.written)], // reported twice: still checked once
    ['written', 'check', to(S.checked)],
    ['written', 'drop', to(S.dropped, 7)],

    ['checked', 'created', null],
    ['checked', 'timedOut', null],
    ['checked', 'complete', null],
    ['checked', 'check', null], // the check runs once
    ['checked', 'drop', null], // the check decides what becomes of the download

    ['lost', 'created', null],
    ['lost', 'timedOut', null],
    ['lost', 'complete', null],
    ['lost', 'check', null],
    ['lost', 'drop', to(S.droppedEarly)],

    ['droppedEarly', 'created', to(S.dropped, 7)], // created after it was dropped: discarded then
    ['droppedEarly', 'timedOut', null],
    ['droppedEarly', 'complete', null],
    ['droppedEarly', 'check', null],
    ['droppedEarly', 'drop', null],

    ['dropped', 'created', null],
    ['dropped', 'timedOut', null],
    ['dropped', 'complete', null],
    ['dropped', 'check', null],
    ['dropped', 'drop', null], // discarded once
  ])('%s + %s', (state, event, expected) => {
    expect(transition(S[state], E[event])).toEqual(expected);
  });

  it("adopts an earlier worker's save as writing: it is complete, or dropped, like any other", () => {
    expect(adopted(7)).toEqual(S.writing);
    expect(transition(adopted(7), E.complete)).toEqual(to(S.written));
    expect(transition(adopted(7), E.drop)).toEqual(to(S.dropped, 7));
  });

  it('knows the download id from the moment the browser created the download', () => {
    expect(downloadIdOf(S.opening)).toBeNull();
    expect(downloadIdOf(S.lost)).toBeNull();
    expect(downloadIdOf(S.droppedEarly)).toBeNull();
    expect(downloadIdOf(S.writing)).toBe(7);
    expect(downloadIdOf(S.checked)).toBe(7);
  });
});
