import { describe, expect, it } from 'vitest';
import {
  CHANGED_WARNING,
  describeNotice,
  type JobNotice,
  UNVERIFIED_WARNING,
  warningFor,
} from '../../src/background/notices';

describe('warningFor: which notices leave a warning on the job', () => {
  it.each<[JobNotice, string | null]>([
    [{ type: 'restarted', reason: 'changed' }, CHANGED_WARNING],
    [{ type: 'unverified-resume' }, UNVERIFIED_WARNING],
    // Transient: the note says them, and the next note replaces them.
    [{ type: 'restarted', reason: 'no-ranges' }, null],
    [{ type: 'resumed', doneBytes: 1024 }, null],
    [{ type: 'retrying', attempt: 2, delayMs: 500, error: 'socket hang up', detail: null }, null],
    [{ type: 'connections-lowered', connections: 3, status: 503 }, null],
  ])('%o → %s', (notice, warning) => {
    expect(warningFor(notice)).toBe(warning);
  });

  it('the warnings say what happened in words a user reads', () => {
    expect(CHANGED_WARNING).toMatch(/changed on the server.*restarted from zero/);
    expect(UNVERIFIED_WARNING).toMatch(/Could not verify the file’s identity.*size was re-checked/);
  });
});

describe('describeNotice', () => {
  it.each<[JobNotice, string]>([
    [{ type: 'resumed', doneBytes: 8 * 1024 * 1024 }, 'resumed after 8.0 MiB'],
    [{ type: 'restarted', reason: 'changed' }, 'the file changed on the server: restarted'],
    [
      { type: 'retrying', attempt: 2, delayMs: 500, error: 'socket hang up', detail: null },
      'retrying (attempt 2): socket hang up',
    ],
    [
      {
        type: 'retrying',
        attempt: 2,
        delayMs: 500,
        error: 'GET http://a.test/f answered HTTP 500',
        detail: { kind: 'http-status', url: 'http://a.test/f', status: 500 },
      },
      'retrying (attempt 2): GET http://a.test/f answered HTTP 500',
    ],
    [
      { type: 'connections-lowered', connections: 3, status: 503 },
      'the server answered 503: down to 3 connections',
    ],
  ])('%o → %s', (notice, note) => {
    expect(describeNotice(notice)).toBe(note);
  });
});
