import { describe, expect, it } from 'vitest';
import {
  PIECE_SECONDS,
  type PieceSizeInput,
  pieceAllowanceMs,
  pieceBytes,
  slowPiece,
} from '../../src/engine/policies/piece-size';
import type { ConnectionView } from '../../src/engine/policies/view';
import { connectionView } from '../helpers/connection-view';

const KiB = 1024;
const MiB = 1024 * KiB;
const NOW = 100_000;

const base: PieceSizeInput = {
  preferredBytes: 8 * MiB,
  rateBytesPerSecond: 0,
  fetchedBytes: 0,
  inOrder: false,
  ramping: false,
  limitBytesPerSecond: null,
  remainingBytes: 1024 * MiB,
  connections: 4,
};

describe('pieceBytes: speed not known yet', () => {
  it.each<[string, Partial<PieceSizeInput>, number]>([
    ['first piece: 256 KiB', {}, 256 * KiB],
    ['out of order, whatever was fetched', { fetchedBytes: 4 * MiB }, 256 * KiB],
    ['in order, nothing fetched', { inOrder: true }, 256 * KiB],
    ['in order, less than 128 KiB fetched', { inOrder: true, fetchedBytes: 100 * KiB }, 256 * KiB],
    ['in order: twice what was fetched', { inOrder: true, fetchedBytes: 1 * MiB }, 2 * MiB],
    ['in order: capped by preferred', { inOrder: true, fetchedBytes: 5 * MiB }, 8 * MiB],
    ['preferred below 256 KiB', { preferredBytes: 64 * KiB }, 64 * KiB],
    ['preferred 0 counts as 1', { preferredBytes: 0 }, 1],
    [
      'a negative rate counts as unknown',
      { rateBytesPerSecond: -1, inOrder: true, fetchedBytes: MiB },
      2 * MiB,
    ],
    ['a speed limit is not applied yet', { limitBytesPerSecond: 10 * KiB }, 256 * KiB],
    ['the tail is not applied yet', { inOrder: true, fetchedBytes: 2 * MiB, remainingBytes: MiB }, 4 * MiB],
  ])('%s', (_, o, expected) => {
    expect(pieceBytes({ ...base, ...o })).toBe(expected);
  });
});

describe('pieceBytes: speed known', () => {
  it('sizes by PIECE_SECONDS of rate', () => {
    expect(PIECE_SECONDS).toBe(2);
  });

  it.each<[string, Partial<PieceSizeInput>, number]>([
    ['2 s of rate', { rateBytesPerSecond: MiB }, 2 * MiB],
    ['2 s of rate, rounded down', { rateBytesPerSecond: 1_000_001 }, 2_000_002],
    ['odd rate, rounded down', { rateBytesPerSecond: 200_000.7 }, 400_001],
    ['capped by preferred', { rateBytesPerSecond: 10 * MiB }, 8 * MiB],
    ['slow: at least 256 KiB', { rateBytesPerSecond: 10 * KiB }, 256 * KiB],
    [
      'slow with preferred below 256 KiB: preferred',
      { rateBytesPerSecond: 10 * KiB, preferredBytes: 100 * KiB },
      100 * KiB,
    ],
    ['ramping: 0.15 s of rate', { rateBytesPerSecond: 10 * MiB, ramping: true }, 1_572_864],
    ['ramping, slow: at least 256 KiB', { rateBytesPerSecond: MiB, ramping: true }, 256 * KiB],
    ['ramping, rounded down', { rateBytesPerSecond: 2_000_001, ramping: true }, 300_000],
    // Half a second at the limit.
    [
      'limited: half a second at 1 MiB/s',
      { rateBytesPerSecond: 10 * MiB, limitBytesPerSecond: MiB },
      512 * KiB,
    ],
    ['limited, rounded down', { rateBytesPerSecond: 10 * MiB, limitBytesPerSecond: 1_000_001 }, 500_000],
    [
      'limited below the 256 KiB floor',
      { rateBytesPerSecond: 10 * MiB, limitBytesPerSecond: 100 * KiB },
      50 * KiB,
    ],
    ['limited: at least 16 KiB', { rateBytesPerSecond: 10 * MiB, limitBytesPerSecond: 10 * KiB }, 16 * KiB],
    ['limited to 0: 16 KiB', { rateBytesPerSecond: 10 * MiB, limitBytesPerSecond: 0 }, 16 * KiB],
    [
      'a loose limit leaves 2 s of rate',
      { rateBytesPerSecond: MiB, limitBytesPerSecond: 100 * MiB },
      2 * MiB,
    ],
    // Tail: half of each connection's share of what is left.
    ['tail: half of each share', { rateBytesPerSecond: 10 * MiB, remainingBytes: 4 * MiB }, 512 * KiB],
    ['tail, rounded up', { rateBytesPerSecond: 10 * MiB, remainingBytes: 4 * MiB + 1 }, 512 * KiB + 1],
    ['tail: at least 256 KiB', { rateBytesPerSecond: 10 * MiB, remainingBytes: MiB }, 256 * KiB],
    ['tail: nothing left, still 256 KiB', { rateBytesPerSecond: 10 * MiB, remainingBytes: 0 }, 256 * KiB],
    [
      'tail, one connection',
      { rateBytesPerSecond: 10 * MiB, remainingBytes: 4 * MiB, connections: 1 },
      2 * MiB,
    ],
    [
      'tail, no connections counts as one',
      { rateBytesPerSecond: 10 * MiB, remainingBytes: 4 * MiB, connections: 0 },
      2 * MiB,
    ],
    [
      'tail above the rate size: the rate size',
      { rateBytesPerSecond: MiB, remainingBytes: 40 * MiB },
      2 * MiB,
    ],
    [
      'limit below the tail: the limit',
      { rateBytesPerSecond: 10 * MiB, limitBytesPerSecond: 32 * KiB, remainingBytes: MiB },
      16 * KiB,
    ],
    [
      'in order changes nothing once the speed is known',
      { rateBytesPerSecond: MiB, inOrder: true, fetchedBytes: 3 * MiB },
      2 * MiB,
    ],
  ])('%s', (_, o, expected) => {
    expect(pieceBytes({ ...base, ...o })).toBe(expected);
  });
});

describe('pieceAllowanceMs: twice the expected transfer time', () => {
  it.each<[number, number, number]>([
    [MiB, MiB, 2000],
    [MiB, 256 * KiB, 500],
    [1000, 1, 2],
    // Unknown speed: 64 KiB/s.
    [0, 256 * KiB, 8000],
    [-5, 64 * KiB, 2000],
    [0, 0, 0],
  ])('%i B/s, %i bytes: %i ms', (rate, length, expected) => {
    expect(pieceAllowanceMs(rate, length)).toBe(expected);
  });
});

/** A connection with a piece in flight: `pos` to `reservedEnd`, its last byte `idleMs` ago. */
function piece(
  id: number,
  inFlightBytes: number,
  idleMs: number,
  o: Partial<ConnectionView> = {},
): ConnectionView {
  return view({
    id,
    claim: {
      id: id + 100,
      start: 0,
      pos: 1000,
      reservedEnd: 1000 + inFlightBytes - 1,
      end: 1000 + inFlightBytes * 4,
    },
    allowanceMs: 5000,
    lastDataMs: NOW - idleMs,
    ...o,
  });
}

function view(o: Partial<ConnectionView> & { rateBps?: number } = {}): ConnectionView {
  return connectionView({ lastDataMs: NOW, ...o });
}

describe('slowPiece', () => {
  // The usual speed is 1 MB/s (two idle connections at it); start-up 0.2 s. A fresh request fetches 1 MB in 1.2 s,
  // so a 1 MB piece is slow once it has been out more than 3 * 1.2 s = 3.6 s.
  const idle = [view({ id: 1, rateBps: 1_000_000 }), view({ id: 2, rateBps: 1_000_000 })];
  const STARTUP = 0.2;

  it.each<[string, Partial<ConnectionView>, number, boolean]>([
    ['out 3.7 s: given up', {}, 3700, true],
    ['out exactly 3 times a fresh request: kept', {}, 3600, false],
    ['out 3.5 s: kept', {}, 3500, false],
    ['racing: left to the race', { racing: true }, 60_000, false],
    ['no allowance (no whole piece in flight)', { allowanceMs: 0 }, 60_000, false],
    ['its request aborted', { requesting: false }, 60_000, false],
    ['no claim', { claim: null }, 60_000, false],
  ])('%s', (_, o, idleMs, given) => {
    const slow = piece(3, 1_000_000, idleMs, o);
    expect(slowPiece([...idle, slow], NOW, STARTUP)).toBe(given ? slow : null);
  });

  it('gives up the slowest of several', () => {
    const a = piece(3, 1_000_000, 5000);
    const b = piece(4, 1_000_000, 9000);
    const c = piece(5, 1_000_000, 7000);
    expect(slowPiece([...idle, a, b, c], NOW, STARTUP)).toBe(b);
    expect(slowPiece([...idle, b, c, a], NOW, STARTUP)).toBe(b);
  });

  it('judges by time per byte: a bigger piece may be out longer', () => {
    // 3 MB: a fresh request takes 3.2 s, slow after 9.6 s.
    const big = piece(3, 3_000_000, 9000);
    const small = piece(4, 500_000, 2200); // fresh 0.7 s, 2.2 / 0.7 = 3.14
    expect(slowPiece([...idle, big, small], NOW, STARTUP)).toBe(small);
    expect(slowPiece([...idle, piece(3, 3_000_000, 9700)], NOW, STARTUP)?.id).toBe(3);
  });

  it('the start-up counts toward a fresh request', () => {
    const slow = piece(3, 1_000_000, 3700);
    expect(slowPiece([...idle, slow], NOW, 0.3)).toBeNull(); // 3 * 1.3 s = 3.9 s
    expect(slowPiece([...idle, slow], NOW, 0)).toBe(slow);
  });

  it('the usual speed is the median over every connection, the slow one included', () => {
    // Rates 1 MB/s, 1 MB/s, 10 MB/s: median 1 MB/s; the slow piece's own rate counts too.
    const slow = piece(3, 1_000_000, 3700, { rate: () => 10_000_000 });
    expect(slowPiece([...idle, slow], NOW, STARTUP)).toBe(slow);
    // Rates 10, 10, 1 MB/s: median 10 MB/s, a fresh request needs 0.3 s, slow after 0.9 s.
    const fast = [view({ id: 1, rateBps: 10_000_000 }), view({ id: 2, rateBps: 10_000_000 })];
    expect(slowPiece([...fast, piece(3, 1_000_000, 1000, { rate: () => 1_000_000 })], NOW, STARTUP)?.id).toBe(
      3,
    );
  });

  it('no speed known: nothing is slow', () => {
    const slow = piece(3, 1_000_000, 600_000);
    expect(slowPiece([view({ id: 1 }), view({ id: 2 }), slow], NOW, STARTUP)).toBeNull();
    expect(slowPiece([], NOW, STARTUP)).toBeNull();
  });
});
