import { describe, expect, it } from 'vitest';
import {
  ensureSpace,
  isOutOfSpace,
  NotEnoughSpaceError,
  spaceNeeded,
} from '../../src/background/storage-space';
import { StorageError } from '../../src/engine/errors';

const MIB = 1024 * 1024;
const estimate = (quota: number | undefined, usage: number) => async () => ({ quota, usage });

describe('ensureSpace', () => {
  it.each([
    { remaining: 10 * MIB, quota: 100 * MIB, usage: 50 * MIB, fits: true },
    { remaining: 49 * MIB, quota: 100 * MIB, usage: 50 * MIB, fits: true },
    // One MiB of headroom is kept beyond the bytes still to fetch.
    { remaining: 49.5 * MIB, quota: 100 * MIB, usage: 50 * MIB, fits: false },
    { remaining: 32 * MIB, quota: 16 * MIB, usage: 0, fits: false },
    // Usage over a lowered quota: nothing fits.
    { remaining: 1, quota: 16 * MIB, usage: 20 * MIB, fits: false },
    { remaining: 0, quota: 16 * MIB, usage: 20 * MIB, fits: true },
    { remaining: 64 * MIB, quota: undefined, usage: 0, fits: true },
  ])(
    '$remaining bytes left, quota $quota, usage $usage: fits $fits',
    async ({ remaining, quota, usage, fits }) => {
      const check = ensureSpace(remaining, estimate(quota, usage));
      if (fits) await expect(check).resolves.toBeUndefined();
      else await expect(check).rejects.toBeInstanceOf(NotEnoughSpaceError);
    },
  );

  it('says how much is missing and what to do', async () => {
    await expect(ensureSpace(32 * MIB, estimate(16 * MIB, 0))).rejects.toThrow(
      'not enough storage space: 32.0 MiB needed (the rest of the file and its saved copy), 16.0 MiB free. Free some space, then resume.',
    );
  });
});

describe('isOutOfSpace', () => {
  it('recognises QuotaExceededError, also wrapped in the store error, and our own check', () => {
    const quota = new DOMException('quota', 'QuotaExceededError');
    expect(isOutOfSpace(quota)).toBe(true);
    expect(isOutOfSpace(new StorageError(quota))).toBe(true);
    expect(isOutOfSpace(new NotEnoughSpaceError('full'))).toBe(true);
  });

  it('leaves other failures alone', () => {
    expect(isOutOfSpace(new StorageError(new DOMException('gone', 'InvalidStateError')))).toBe(false);
    expect(isOutOfSpace(new Error('QuotaExceededError'))).toBe(false);
    expect(isOutOfSpace(null)).toBe(false);
  });
});

describe('spaceNeeded', () => {
  it('counts the pieces still to fetch and the saved copy, which exist together until the end', () => {
    expect(spaceNeeded(100 * MIB, 0)).toBe(200 * MIB);
    expect(spaceNeeded(100 * MIB, 60 * MIB)).toBe(140 * MIB);
    expect(spaceNeeded(100 * MIB, 100 * MIB)).toBe(100 * MIB);
  });
});
