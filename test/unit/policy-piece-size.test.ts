import { describe, expect, it } from 'vitest';
import {
  PIECE_SECONDS,
  type PieceSizeInput,
  pieceAllowanceMs,
  pieceBytes,
  slowPiece,
  timedPieceBytes,
} from '../../src/engine/policies/piece-size';
import type { ConnectionView } from '../../src/engine/policies/view';
import { SpeedMeter } from '../../src/engine/speed-meter';
import { connectionView } from '../helpers/connection-view';
import { ManualClock } from '../helpers/manual-clock';

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
    expect(PIECE_SECONDS).toBe(1);
  });

  it.each<[string, Partial<PieceSizeInput>, number]>([
    ['1 s of rate', { rateBytesPerSecond: MiB }, MiB],
    ['1 s of rate, rounded down', { rateBytesPerSecond: 1_000_000.5 }, 1_000_000],
    ['odd rate, rounded down', { rateBytesPerSecond: 400_001.7 }, 400_001],
    ['capped by preferred', { rateBytesPerSecond: 10 * MiB }, 8 * MiB],
    // A connection that fetches a whole preferred piece within 2 s fetches whole preferred pieces.
    ['2 s of rate reach preferred: preferred', { rateBytesPerSecond: 4 * MiB }, 8 * MiB],
    ['2 s of rate just short of preferred: 1 s of rate', { rateBytesPerSecond: 4 * MiB - 1 }, 4 * MiB - 1],
    ['a small preferred within 2 s', { rateBytesPerSecond: 600 * KiB, preferredBytes: MiB }, MiB],
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
    ['a loose limit leaves 1 s of rate', { rateBytesPerSecond: MiB, limitBytesPerSecond: 100 * MiB }, MiB],
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
    ['tail above the rate size: the rate size', { rateBytesPerSecond: MiB, remainingBytes: 40 * MiB }, MiB],
    [
      'limit below the tail: the limit',
      { rateBytesPerSecond: 10 * MiB, limitBytesPerSecond: 32 * KiB, remainingBytes: MiB },
      16 * KiB,
    ],
    [
      'in order changes nothing once the speed is known',
      { rateBytesPerSecond: MiB, inOrder: true, fetchedBytes: 3 * MiB },
      MiB,
    ],
  ])('%s', (_, o, expected) => {
    expect(pieceBytes({ ...base, ...o })).toBe(expected);
  });
});

describe('timedPieceBytes: whole preferred pieces within 2 s, else 1 s of rate', () => {
  it.each<[number, number, number]>([
    [8 * MiB, 8 * MiB, 8 * MiB],
    [4 * MiB, 8 * MiB, 8 * MiB],
    [4 * MiB - 1, 8 * MiB, 4 * MiB - 1],
    [MiB, 8 * MiB, MiB],
    [2.5 * MiB, 8 * MiB, 2.5 * MiB],
    [1000.9, 8 * MiB, 1000],
    [0, 8 * MiB, 0],
    [512 * KiB, MiB, MiB],
  ])('%i B/s, preferred %i: %i', (rate, preferred, expected) => {
    expect(timedPieceBytes(rate, preferred)).toBe(expected);
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

interface Flow {
  bytesPerSecond: number;
  connections: number;
  fileBytes: number;
  startupSeconds: number;
}

interface FlowPiece {
  connection: number;
  bytes: number;
  firstByteMs: number;
  endMs: number;
}

/**
 * Connections that each receive `bytesPerSecond`, fetching a file front first in pieces sized by `pieceBytes`
 * from their SpeedMeter, as piece-transport.ts does: a piece waits a start-up for its first byte, the meter
 * marks that byte and the piece's end. Driven on the manual clock from one event to the next. Returns the
 * pieces, and the most bytes ever received by pieces in flight at once: what a worker stop would lose then.
 */
async function flow(f: Flow): Promise<{ pieces: FlowPiece[]; peakInFlightBytes: number }> {
  const clock = new ManualClock();
  const startupMs = f.startupSeconds * 1000;
  const connections = Array.from({ length: f.connections }, () => ({
    meter: new SpeedMeter(),
    fetchedBytes: 0,
    piece: null as FlowPiece | null,
  }));
  const pieces: FlowPiece[] = [];
  let assigned = 0;
  let done = 0;
  let peakInFlightBytes = 0;
  for (;;) {
    const now = clock.now();
    const received = (p: FlowPiece) =>
      Math.min(p.bytes, Math.max(0, ((now - p.firstByteMs) * f.bytesPerSecond) / 1000));
    peakInFlightBytes = Math.max(
      peakInFlightBytes,
      connections.reduce((sum, c) => sum + (c.piece ? received(c.piece) : 0), 0),
    );
    for (const c of connections) {
      if (c.piece && c.piece.endMs <= now) {
        c.meter.add(c.piece.bytes, c.piece.endMs);
        c.fetchedBytes += c.piece.bytes;
        done += c.piece.bytes;
        c.piece = null;
      }
    }
    connections.forEach((c, id) => {
      if (c.piece || assigned >= f.fileBytes) return;
      const bytes = Math.min(
        f.fileBytes - assigned,
        pieceBytes({
          preferredBytes: 8 * MiB,
          rateBytesPerSecond: c.meter.rate(now),
          fetchedBytes: c.fetchedBytes,
          inOrder: true,
          ramping: false,
          limitBytesPerSecond: null,
          remainingBytes: f.fileBytes - done,
          connections: f.connections,
        }),
      );
      const firstByteMs = now + startupMs;
      c.meter.add(0, firstByteMs);
      c.piece = {
        connection: id,
        bytes,
        firstByteMs,
        endMs: firstByteMs + (bytes * 1000) / f.bytesPerSecond,
      };
      pieces.push(c.piece);
      assigned += bytes;
    });
    const next = Math.min(...connections.map((c) => c.piece?.endMs ?? Number.POSITIVE_INFINITY));
    if (next === Number.POSITIVE_INFINITY) return { pieces, peakInFlightBytes };
    await clock.advance(next - now, next - now);
  }
}

describe('pieces over a whole download, on the manual clock', () => {
  it('6 connections x 1 MiB/s: pieces of about a second, so a stop loses at most 8 MiB', async () => {
    const { pieces, peakInFlightBytes } = await flow({
      bytesPerSecond: MiB,
      connections: 6,
      fileBytes: 64 * MiB,
      startupSeconds: 0.005,
    });
    expect(peakInFlightBytes).toBeLessThanOrEqual(6.5 * MiB);
    for (const p of pieces) expect(p.endMs - p.firstByteMs).toBeLessThanOrEqual(1000);
    // 256 KiB first pieces until the speed is known, 1 MiB pieces, the tail's shrinking ones: 81 requests (56
    // with 2 s pieces, whose stops could lose 12 MiB).
    for (const p of pieces.slice(6, 60)) expect(p.bytes).toBeGreaterThan(0.98 * MiB);
    expect(pieces.length).toBe(81);
  });

  it('6 connections x 8 MiB/s: whole 8 MiB pieces, as many requests as before', async () => {
    const { pieces } = await flow({
      bytesPerSecond: 8 * MiB,
      connections: 6,
      fileBytes: 256 * MiB,
      startupSeconds: 0.005,
    });
    // Per connection: 256 KiB, 512 KiB and 1.5 MiB while the speed is not known, then 8 MiB pieces until the
    // tail shrinks them (its own rule): 79 requests, the same as with 2 s pieces.
    const sizes = pieces.map((p) => p.bytes);
    expect(sizes.slice(0, 18)).toEqual([
      ...Array(6).fill(256 * KiB),
      ...Array(6).fill(512 * KiB),
      ...Array(6).fill(1.5 * MiB),
    ]);
    expect(sizes.slice(18, 42)).toEqual(Array(24).fill(8 * MiB));
    expect(sizes.slice(42).every((b) => b < 8 * MiB)).toBe(true);
    expect(pieces.length).toBe(79);
  });

  it('slow start-ups (0.1 s to each first byte, a loaded machine or a distant server) leave pieces at 1 s', async () => {
    const { pieces, peakInFlightBytes } = await flow({
      bytesPerSecond: MiB,
      connections: 6,
      fileBytes: 64 * MiB,
      startupSeconds: 0.1,
    });
    expect(peakInFlightBytes).toBeLessThanOrEqual(6.5 * MiB);
    for (const p of pieces) expect(p.bytes).toBeLessThanOrEqual(MiB);
  });
});
