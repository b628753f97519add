import { describe, expect, it } from 'vitest';
import { calculateDelay, DEFAULT_RETRY, parseRetryAfter, retryDelay } from '../../src/engine/retry-policy';

const fixed = (value: number) => () => value;
const NOW = Date.UTC(1994, 10, 6, 8, 49, 7);

describe('DEFAULT_RETRY', () => {
  it('is five attempts, 500 ms base, 15 s ceiling, doubling', () => {
    expect(DEFAULT_RETRY).toEqual({ attempts: 5, baseDelayMs: 500, maxDelayMs: 15_000, factor: 2 });
  });

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(DEFAULT_RETRY)).toBe(true);
  });
});

describe('calculateDelay (equal jitter)', () => {
  it.each<[string, number, number, number]>([
    ['first retry, least jitter', 1, 0, 250],
    ['first retry, middle jitter', 1, 0.5, 375],
    ['first retry, most jitter', 1, 1, 500],
    ['second retry', 2, 0, 500],
    ['second retry, most jitter', 2, 1, 1000],
    ['third retry', 3, 0.5, 1500],
    ['fourth retry', 4, 0, 2000],
    ['fifth retry', 5, 1, 8000],
    ['sixth retry reaches the ceiling', 6, 0, 7500],
    ['sixth retry, most jitter', 6, 1, 15_000],
    ['far past the ceiling', 50, 1, 15_000],
    ['an exponent that overflows to Infinity', 5000, 0.5, 11_250],
    ['attempt 0 counts as the first retry', 0, 0, 250],
    ['a negative attempt counts as the first retry', -3, 1, 500],
    ['random above 1 is clamped', 1, 7, 500],
    ['negative random is clamped', 1, -7, 250],
    ['NaN random counts as 0', 1, Number.NaN, 250],
  ])('%s', (_, attempt, random, expected) => {
    expect(calculateDelay(attempt, DEFAULT_RETRY, fixed(random))).toBe(expected);
  });

  it.each<[string, { baseDelayMs: number; maxDelayMs: number; factor: number }, number, number]>([
    ['factor 1 is constant', { baseDelayMs: 1000, maxDelayMs: 10_000, factor: 1 }, 9, 1000],
    ['factor 3', { baseDelayMs: 100, maxDelayMs: 10_000, factor: 3 }, 3, 900],
    ['base above the ceiling is capped', { baseDelayMs: 5000, maxDelayMs: 1000, factor: 2 }, 1, 1000],
    ['zero base', { baseDelayMs: 0, maxDelayMs: 1000, factor: 2 }, 4, 0],
    ['rounds to whole milliseconds', { baseDelayMs: 3, maxDelayMs: 1000, factor: 2 }, 1, 3],
  ])('%s', (_, options, attempt, expected) => {
    expect(calculateDelay(attempt, options, fixed(1))).toBe(expected);
  });

  it.each([1, 2, 3, 4, 5, 6, 10])(
    'attempt %i stays within [ceiling/2, ceiling] for any random',
    (attempt) => {
      const ceiling = Math.min(15_000, 500 * 2 ** (attempt - 1));
      for (const random of [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999_999]) {
        const delay = calculateDelay(attempt, DEFAULT_RETRY, fixed(random));
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    },
  );
});

describe('parseRetryAfter', () => {
  it.each<[string, string | null, number | null]>([
    ['seconds', '120', 120_000],
    ['zero', '0', 0],
    ['whitespace around', ' 5 ', 5000],
    ['leading zeros', '007', 7000],
    ['HTTP-date 30 s ahead', 'Sun, 06 Nov 1994 08:49:37 GMT', 30_000],
    ['RFC 850 date', 'Sunday, 06-Nov-94 08:49:37 GMT', 30_000],
    ['asctime date', 'Sun Nov  6 08:49:37 1994', 30_000],
    ['date now', 'Sun, 06 Nov 1994 08:49:07 GMT', 0],
    ['date in the past is never negative', 'Sun, 06 Nov 1994 08:00:00 GMT', 0],
    ['large but representable seconds', '9007199254740', 9_007_199_254_740_000],
    ['seconds beyond safe milliseconds', '9007199254741', null],
    ['absurdly many digits', '9'.repeat(400), null],
    ['absent', null, null],
    ['empty', '', null],
    ['negative', '-5', null],
    ['fraction', '1.5', null],
    ['exponent', '1e3', null],
    ['plus sign', '+5', null],
    ['unit suffix', '5s', null],
    ['two numbers', '5, 10', null],
    ['garbage', 'soon', null],
    ['ISO date', '1994-11-06T08:49:37Z', null],
    ['impossible date', 'Mon, 31 Apr 2024 00:00:00 GMT', null],
  ])('%s', (_, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('retryDelay', () => {
  it.each<[string, number, number, number | null, number]>([
    ['backoff without Retry-After', 1, 0, null, 250],
    ['Retry-After longer than the backoff', 1, 0, 10_000, 10_000],
    ['backoff longer than Retry-After', 3, 0, 100, 1000],
    ['Retry-After 0 leaves the backoff', 2, 1, 0, 1000],
    ['Retry-After equal to the backoff', 1, 1, 500, 500],
    ['an hour is capped at 60 s', 1, 0, 3_600_000, 60_000],
    ['just under the cap', 1, 0, 59_999, 59_999],
    ['backoff alone never exceeds maxDelayMs', 40, 1, null, 15_000],
  ])('%s', (_, attempt, random, retryAfterMs, expected) => {
    expect(retryDelay(attempt, DEFAULT_RETRY, fixed(random), retryAfterMs)).toBe(expected);
  });

  it.each<[string, number, number | null, number]>([
    ['cap is 4 x maxDelayMs when that is above 60 s', 30_000, 500_000, 120_000],
    ['Retry-After under a raised cap is honoured', 30_000, 100_000, 100_000],
    ['cap stays 60 s for a small maxDelayMs', 1000, 3_600_000, 60_000],
    ['Retry-After above a small maxDelayMs is still honoured', 1000, 30_000, 30_000],
  ])('%s', (_, maxDelayMs, retryAfterMs, expected) => {
    expect(retryDelay(1, { baseDelayMs: 500, maxDelayMs, factor: 2 }, fixed(0), retryAfterMs)).toBe(expected);
  });
});
