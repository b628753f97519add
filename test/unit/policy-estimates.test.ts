import { describe, expect, it } from 'vitest';
import { medianPositive, nextStartupSeconds, speedOf, splitHints } from '../../src/engine/policies/estimates';
import type { ConnectionView } from '../../src/engine/policies/view';
import type { Claim } from '../../src/engine/scheduler';
import { connectionView } from '../helpers/connection-view';

const NOW = 10_000;

function claim(id: number, pos: number, reservedEnd: number, end = reservedEnd + 1000): Claim {
  return { id, start: 0, pos, end, reservedEnd };
}

function view(o: Partial<ConnectionView> & { rateBps?: number } = {}): ConnectionView {
  return connectionView({ lastDataMs: NOW, ...o });
}

describe('medianPositive', () => {
  it.each<[string, number[], number]>([
    ['none', [], 0],
    ['only zero and negatives', [0, -5, 0], 0],
    ['one', [7], 7],
    ['odd count, unsorted', [9, 1, 5], 5],
    ['even count: the upper middle', [4, 1, 3, 2], 3],
    ['two: the larger', [10, 20], 20],
    ['zeros left out', [0, 0, 0, 100, 200], 200],
    ['negatives left out', [-100, 1, 2, 3], 2],
    ['NaN left out', [Number.NaN, 8], 8],
  ])('%s', (_, values, expected) => {
    expect(medianPositive(values)).toBe(expected);
  });

  it('leaves its input as it was', () => {
    const values = [3, 0, 1, 2];
    medianPositive(values);
    expect(values).toEqual([3, 0, 1, 2]);
  });
});

describe('speedOf', () => {
  it.each<[string, Partial<ConnectionView> & { rateBps?: number }, number]>([
    ['no piece in flight: the measured rate', { rateBps: 5000, claim: claim(1, 0, 999999) }, 5000],
    ['a piece but no claim: the measured rate', { rateBps: 5000, allowanceMs: 100 }, 5000],
    // 100_000 bytes in flight for 10 s: at most 10_000 B/s.
    [
      'piece in flight bounds a higher measured rate',
      { rateBps: 50_000, allowanceMs: 1, claim: claim(1, 0, 99_999), lastDataMs: NOW - 10_000 },
      10_000,
    ],
    [
      'measured rate below the bound is kept',
      { rateBps: 4000, allowanceMs: 1, claim: claim(1, 0, 99_999), lastDataMs: NOW - 10_000 },
      4000,
    ],
    [
      'no measured rate: the bound',
      { rateBps: 0, allowanceMs: 1, claim: claim(1, 500, 100_499), lastDataMs: NOW - 4000 },
      25_000,
    ],
    // Under 100 ms counts as 100 ms: 1000 bytes / 0.1 s.
    [
      'just started: at least 100 ms',
      { rateBps: 0, allowanceMs: 1, claim: claim(1, 0, 999), lastDataMs: NOW - 20 },
      10_000,
    ],
    [
      'data in the future counts as 100 ms',
      { rateBps: 0, allowanceMs: 1, claim: claim(1, 0, 999), lastDataMs: NOW + 5000 },
      10_000,
    ],
  ])('%s', (_, o, expected) => {
    expect(speedOf(view(o), NOW)).toBe(expected);
  });

  it('passes the time to rate()', () => {
    const seen: number[] = [];
    const rate = (t: number) => {
      seen.push(t);
      return 1;
    };
    speedOf(view({ rate }), 1234);
    expect(seen).toEqual([1234]);
  });
});

describe('nextStartupSeconds', () => {
  it.each<[number, number, number]>([
    [1, 1, 1],
    [1, 0, 0.7],
    [0, 1, 0.3],
    [0.5, 1.5, 0.8],
    [2, 0.2, 1.46],
  ])('from %f with %f measured: %f', (current, ttfb, expected) => {
    expect(nextStartupSeconds(current, ttfb)).toBeCloseTo(expected, 12);
  });

  it('converges on a steady measurement', () => {
    let s = 5;
    for (let i = 0; i < 100; i++) s = nextStartupSeconds(s, 0.25);
    expect(s).toBeCloseTo(0.25, 12);
  });
});

describe('splitHints', () => {
  const connections = [
    view({ id: 1, claim: claim(11, 0, 99), rateBps: 1000 }),
    view({ id: 2, claim: claim(12, 0, 99), rateBps: 3000 }),
    view({ id: 3, claim: claim(13, 0, 99), rateBps: 0 }),
    view({ id: 4, claim: null, rateBps: 1_000_000 }),
    // Piece in flight for 1 s, 2000 bytes: bounded to 2000.
    view({ id: 5, claim: claim(15, 0, 1999), rateBps: 9000, allowanceMs: 1, lastDataMs: NOW - 1000 }),
  ];

  it('speeds by claim id, the median of the known ones, the larger minimum split', () => {
    const hints = splitHints(connections, NOW, { minSplitBytes: 1000, startupSeconds: 0.5, raceTails: true });
    expect([11, 12, 13, 15, 99, 1].map((id) => hints.speedOf(id))).toEqual([1000, 3000, 0, 2000, 0, 0]);
    expect(hints.expectedSpeed).toBe(2000);
    // Four start-ups at the median: 2000 * 0.5 * 4.
    expect(hints.minSplitBytes).toBe(4000);
    expect(hints.startupSeconds).toBe(0.5);
    expect(hints.raceTails).toBe(true);
  });

  it('keeps minSplitBytes when it is the larger', () => {
    const hints = splitHints(connections, NOW, {
      minSplitBytes: 4001,
      startupSeconds: 0.5,
      raceTails: false,
    });
    expect(hints.minSplitBytes).toBe(4001);
    expect(hints.raceTails).toBe(false);
  });

  it('no connections: nothing known', () => {
    const hints = splitHints([], NOW, { minSplitBytes: 256, startupSeconds: 1, raceTails: false });
    expect(hints.expectedSpeed).toBe(0);
    expect(hints.minSplitBytes).toBe(256);
    expect(hints.speedOf(1)).toBe(0);
  });

  it('takes any iterable (a Map of connections)', () => {
    const map = new Map(connections.map((c) => [c.id, c]));
    const hints = splitHints(map.values(), NOW, { minSplitBytes: 0, startupSeconds: 1, raceTails: false });
    expect(hints.expectedSpeed).toBe(2000);
  });
});
