import { describe, expect, it } from 'vitest';
import { isActive, isFinal, type JobEvent, type JobState, transition } from '../../src/shared/job-state';

const error = { name: 'NetworkError', code: 'NETWORK', message: 'reset' };
const S = {
  queued: { status: 'queued' },
  running: { status: 'running' },
  paused: { status: 'paused' },
  completing: { status: 'completing', downloadId: null },
  saving: { status: 'completing', downloadId: 7 },
  completed: { status: 'completed', downloadId: 7 },
  failed: { status: 'failed', error },
  cancelled: { status: 'cancelled' },
  handed: { status: 'handed-to-browser', reason: 'no ranges' },
} satisfies Record<string, JobState>;

describe('job state machine', () => {
  it.each<[JobState, JobEvent, JobState | null]>([
    [S.queued, { type: 'start' }, S.running],
    [S.running, { type: 'start' }, null],
    [S.running, { type: 'pause' }, S.paused],
    [S.queued, { type: 'pause' }, S.paused],
    [S.paused, { type: 'resume' }, S.queued],
    [S.running, { type: 'resume' }, null],
    [S.running, { type: 'fetched' }, S.completing],
    [S.paused, { type: 'fetched' }, null],
    [S.completing, { type: 'saving', downloadId: 7 }, S.saving],
    [S.saving, { type: 'saved', downloadId: 7 }, S.completed],
    [S.completing, { type: 'saved', downloadId: 7 }, S.completed],
    [S.running, { type: 'saved', downloadId: 7 }, null],
    [S.running, { type: 'fail', error }, S.failed],
    [S.saving, { type: 'fail', error }, S.failed],
    [S.paused, { type: 'fail', error }, null],
    [S.failed, { type: 'retry' }, S.queued],
    [S.running, { type: 'interrupted' }, S.queued],
    [S.paused, { type: 'interrupted' }, null],
    [S.running, { type: 'hand-back', reason: 'no ranges' }, S.handed],
    [S.failed, { type: 'hand-back', reason: 'no ranges' }, null],
    [S.saving, { type: 'cancel' }, S.cancelled],
    [S.failed, { type: 'cancel' }, S.cancelled],
    [S.completed, { type: 'cancel' }, null],
    [S.handed, { type: 'cancel' }, null],
    [S.cancelled, { type: 'retry' }, null],
  ])('%j + %j → %j', (state, event, next) => {
    expect(transition(state, event)).toEqual(next);
  });

  it('final states accept nothing', () => {
    const events: JobEvent[] = [
      { type: 'start' },
      { type: 'pause' },
      { type: 'resume' },
      { type: 'retry' },
      { type: 'cancel' },
      { type: 'interrupted' },
      { type: 'fetched' },
      { type: 'saving', downloadId: 1 },
      { type: 'saved', downloadId: 1 },
      { type: 'fail', error },
      { type: 'hand-back', reason: 'x' },
    ];
    for (const state of [S.completed, S.cancelled, S.handed]) {
      expect(isFinal(state)).toBe(true);
      for (const event of events) expect(transition(state, event)).toBeNull();
    }
  });

  it('only queued, running and completing jobs keep the worker awake', () => {
    expect(
      Object.entries(S)
        .filter(([, s]) => isActive(s))
        .map(([k]) => k),
    ).toEqual(['queued', 'running', 'completing', 'saving']);
  });
});
