import { describe, expect, it } from 'vitest';
import { type StopReason, stopReasonOf, stopRun } from '../../src/background/stop-reason';

describe('stop reasons', () => {
  it.each<StopReason>([
    { kind: 'pause' },
    { kind: 'cancel' },
    { kind: 'no-ranges' },
    { kind: 'no-space', message: 'not enough storage space' },
  ])('a run stopped for $kind reads back the same reason', (reason) => {
    const controller = new AbortController();
    expect(stopReasonOf(controller.signal)).toBeNull();
    stopRun(controller, reason);
    expect(stopReasonOf(controller.signal)).toEqual(reason);
  });

  it('keeps the first reason when a run is stopped twice', () => {
    const controller = new AbortController();
    stopRun(controller, { kind: 'no-ranges' });
    stopRun(controller, { kind: 'pause' });
    expect(stopReasonOf(controller.signal)).toEqual({ kind: 'no-ranges' });
  });

  it.each([['pause'], [new Error('pause')], [{ kind: 'finished' }], [undefined]])(
    'reads no reason from an abort that is not a stop: %s',
    (other) => {
      const controller = new AbortController();
      controller.abort(other);
      expect(stopReasonOf(controller.signal)).toBeNull();
    },
  );
});
