import { describe, expect, it } from 'vitest';
import { addRange, mergeRanges, rangeLength, subtractRanges, totalLength } from '../../src/engine/ranges';
import type { ByteRange } from '../../src/engine/types';

const GiB = 1024 ** 3;
const MAX = Number.MAX_SAFE_INTEGER;
const r = (start: number, end: number): ByteRange => ({ start, end });

describe('rangeLength', () => {
  it.each<[string, ByteRange, number]>([
    ['one byte', r(0, 0), 1],
    ['first 100 bytes', r(0, 99), 100],
    ['middle', r(100, 199), 100],
    ['empty (end before start)', r(10, 9), 0],
    ['inverted', r(10, 0), 0],
    ['beyond 4 GiB', r(4 * GiB, 5 * GiB - 1), GiB],
    ['crossing 2^32', r(2 ** 32 - 1, 2 ** 32), 2],
    ['the whole safe range', r(0, MAX - 1), MAX],
  ])('%s', (_, range, expected) => {
    expect(rangeLength(range)).toBe(expected);
  });
});

describe('totalLength', () => {
  it.each<[string, ByteRange[], number]>([
    ['none', [], 0],
    ['one', [r(0, 9)], 10],
    ['several', [r(0, 9), r(20, 29), r(40, 40)], 21],
    ['empty ranges count nothing', [r(0, 9), r(5, 4)], 10],
    ['sums past 2^32', [r(0, 3 * GiB - 1), r(3 * GiB, 6 * GiB - 1)], 6 * GiB],
  ])('%s', (_, ranges, expected) => {
    expect(totalLength(ranges)).toBe(expected);
  });
});

describe('mergeRanges', () => {
  it.each<[string, ByteRange[], ByteRange[]]>([
    ['empty', [], []],
    ['single', [r(5, 9)], [r(5, 9)]],
    ['sorted, apart', [r(0, 9), r(20, 29)], [r(0, 9), r(20, 29)]],
    ['unsorted, apart', [r(20, 29), r(0, 9)], [r(0, 9), r(20, 29)]],
    ['touching joins', [r(0, 9), r(10, 19)], [r(0, 19)]],
    ['one-byte gap stays', [r(0, 9), r(11, 19)], [r(0, 9), r(11, 19)]],
    ['overlapping', [r(0, 15), r(10, 19)], [r(0, 19)]],
    ['contained', [r(0, 99), r(10, 19)], [r(0, 99)]],
    ['containing comes second', [r(10, 19), r(0, 99)], [r(0, 99)]],
    ['duplicates', [r(0, 9), r(0, 9)], [r(0, 9)]],
    ['same start, different ends', [r(0, 5), r(0, 9)], [r(0, 9)]],
    ['chain of touching', [r(20, 29), r(0, 9), r(10, 19), r(30, 30)], [r(0, 30)]],
    ['bridge joins two', [r(0, 9), r(20, 29), r(5, 25)], [r(0, 29)]],
    ['one-byte ranges', [r(2, 2), r(0, 0), r(1, 1), r(4, 4)], [r(0, 2), r(4, 4)]],
    ['empty ranges dropped', [r(5, 4), r(0, 1), r(9, 0)], [r(0, 1)]],
    ['beyond 4 GiB', [r(5 * GiB, 6 * GiB - 1), r(4 * GiB, 5 * GiB - 1)], [r(4 * GiB, 6 * GiB - 1)]],
    ['touching at 2^32', [r(0, 2 ** 32 - 1), r(2 ** 32, 2 ** 33)], [r(0, 2 ** 33)]],
    ['near MAX_SAFE_INTEGER', [r(MAX - 10, MAX - 1), r(MAX - 20, MAX - 11)], [r(MAX - 20, MAX - 1)]],
  ])('%s', (_, ranges, expected) => {
    expect(mergeRanges(ranges)).toEqual(expected);
  });

  it('neither changes nor aliases its input', () => {
    const input = [r(10, 19), r(0, 9)];
    const merged = mergeRanges(input);
    expect(input).toEqual([r(10, 19), r(0, 9)]);
    merged[0]!.end = 1000;
    expect(input).toEqual([r(10, 19), r(0, 9)]);
  });
});

describe('subtractRanges', () => {
  const file = r(0, 99);
  it.each<[string, ByteRange, ByteRange[], ByteRange[]]>([
    ['nothing done', file, [], [r(0, 99)]],
    ['everything done', file, [r(0, 99)], []],
    ['more than everything done', file, [r(0, 500)], []],
    ['start done', file, [r(0, 49)], [r(50, 99)]],
    ['end done', file, [r(50, 99)], [r(0, 49)]],
    ['middle done', file, [r(40, 59)], [r(0, 39), r(60, 99)]],
    ['holes', file, [r(10, 19), r(30, 39)], [r(0, 9), r(20, 29), r(40, 99)]],
    ['unsorted and overlapping done', file, [r(30, 39), r(10, 35)], [r(0, 9), r(40, 99)]],
    ['touching done pieces leave no gap', file, [r(0, 49), r(50, 99)], []],
    ['single-byte gaps', file, [r(0, 9), r(11, 98)], [r(10, 10), r(99, 99)]],
    ['done outside the total is ignored', r(100, 199), [r(0, 99), r(200, 300)], [r(100, 199)]],
    ['done straddling the start', r(100, 199), [r(50, 149)], [r(150, 199)]],
    ['done straddling the end', r(100, 199), [r(150, 250)], [r(100, 149)]],
    ['one-byte total, done', r(0, 0), [r(0, 0)], []],
    ['one-byte total, not done', r(0, 0), [], [r(0, 0)]],
    ['empty total', r(0, -1), [], []],
    ['empty done ranges ignored', file, [r(50, 10)], [r(0, 99)]],
    [
      '8 GiB file, middle done',
      r(0, 8 * GiB - 1),
      [r(GiB, 5 * GiB - 1)],
      [r(0, GiB - 1), r(5 * GiB, 8 * GiB - 1)],
    ],
    ['gap right at 2^32', r(0, 2 ** 33), [r(0, 2 ** 32 - 1), r(2 ** 32 + 1, 2 ** 33)], [r(2 ** 32, 2 ** 32)]],
  ])('%s', (_, total, done, expected) => {
    expect(subtractRanges(total, done)).toEqual(expected);
  });

  it.each<[string, ByteRange, ByteRange[]]>([
    ['holes', r(0, 999), [r(10, 19), r(500, 700), r(990, 999)]],
    ['overlaps', r(0, 999), [r(0, 300), r(200, 600), r(599, 601)]],
    ['beyond 4 GiB', r(0, 6 * GiB - 1), [r(GiB, 2 * GiB), r(5 * GiB, 6 * GiB - 1)]],
  ])('done plus gaps is the whole: %s', (_, total, done) => {
    const gaps = subtractRanges(total, done);
    expect(mergeRanges([...done, ...gaps])[0]).toEqual(total);
    expect(totalLength(gaps) + totalLength(mergeRanges(done))).toBe(rangeLength(total));
  });
});

describe('addRange', () => {
  it.each<[string, ByteRange[], ByteRange, ByteRange[]]>([
    ['to nothing', [], r(0, 9), [r(0, 9)]],
    ['before', [r(20, 29)], r(0, 9), [r(0, 9), r(20, 29)]],
    ['after', [r(0, 9)], r(20, 29), [r(0, 9), r(20, 29)]],
    ['touching before', [r(10, 19)], r(0, 9), [r(0, 19)]],
    ['touching after', [r(0, 9)], r(10, 19), [r(0, 19)]],
    ['filling a hole', [r(0, 9), r(20, 29)], r(10, 19), [r(0, 29)]],
    ['overlapping two', [r(0, 9), r(20, 29)], r(5, 25), [r(0, 29)]],
    ['already there', [r(0, 99)], r(10, 19), [r(0, 99)]],
    ['empty range changes nothing', [r(0, 9)], r(50, 40), [r(0, 9)]],
    ['beyond 4 GiB', [r(0, 5 * GiB - 1)], r(5 * GiB, 5 * GiB + 99), [r(0, 5 * GiB + 99)]],
  ])('%s', (_, done, range, expected) => {
    expect(addRange(done, range)).toEqual(expected);
  });

  it('leaves its input alone', () => {
    const done = [r(0, 9)];
    const added = addRange(done, r(10, 19));
    expect(done).toEqual([r(0, 9)]);
    expect(added).not.toBe(done);
  });
});
