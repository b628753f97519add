import { describe, expect, it } from 'vitest';
import {
  type EndgameSnapshot,
  MAX_RACES_PER_CLAIM,
  raceCandidate,
  streamRaceLost,
  streamRaceRange,
} from '../../src/engine/policies/endgame';
import type { ConnectionView } from '../../src/engine/policies/view';
import type { Claim } from '../../src/engine/scheduler';
import { connectionView } from '../helpers/connection-view';

const NOW = 50_000;

function view(o: Partial<ConnectionView> & { rateBps?: number } = {}): ConnectionView {
  return connectionView({ lastDataMs: NOW, ...o });
}

/** A receiving owner of `restBytes` (stream) with a `pieceBytes` piece in flight at its front. */
function owner(
  id: number,
  rateBps: number,
  restBytes: number,
  o: Partial<ConnectionView> = {},
): ConnectionView {
  const pieceBytes = Math.min(1000, restBytes);
  const claim: Claim = { id, start: 0, pos: 0, reservedEnd: pieceBytes - 1, end: restBytes - 1 };
  // Last data just now: a piece in flight bounds the speed at 10x its bytes, above every rate used here.
  return view({ id, claim, rateBps, ...o });
}

// A new connection fetches 1000 B/s after a 1 s start-up; units of 1000 bytes.
function snapshot(connections: ConnectionView[], o: Partial<EndgameSnapshot> = {}): EndgameSnapshot {
  return {
    connections,
    nowMs: NOW,
    expectedSpeed: 1000,
    unitBytes: 1000,
    remainingBytes: 2000,
    startupSeconds: 1,
    pieces: false,
    racesOf: () => 0,
    ...o,
  };
}

describe('raceCandidate: stream mode (the back part of the claim)', () => {
  it.each<[string, number, number, boolean]>([
    // Owner 100 s; racer takes 1000/1100 of 10_000 bytes: 10.1 s.
    ['a slow owner', 100, 10_000, true],
    // Owner 10 s; racer takes half: 5 s + 1 s start-up, 1.5 x 6 = 9 s.
    ['an owner at the expected speed, a long rest', 1000, 10_000, true],
    // Owner 5 s; racer takes a third: 3.33 + 1 s, 1.5 x = 6.5 s.
    ['an owner twice the expected speed', 2000, 10_000, false],
    // Owner 1 s; racer 0.5 + 1 s.
    ['little left for the owner', 1000, 1000, false],
    ['an owner with no speed measured', 0, 1000, true],
  ])('%s', (_, rateBps, restBytes, raced) => {
    const c = owner(7, rateBps, restBytes);
    expect(raceCandidate(snapshot([c]))).toBe(raced ? c : null);
  });
});

describe('raceCandidate: piece mode (the piece in flight)', () => {
  const inPieces = { pieces: true };
  it.each<[string, number, boolean]>([
    // 1000 bytes in flight: the racer needs 1 s + 1 s start-up, 1.5 x 2 = 3 s.
    ['owner at 100 B/s: 10 s', 100, true],
    ['owner at 300 B/s: 3.3 s', 300, true],
    ['owner at 320 B/s: 3.1 s', 320, true],
    ['owner at 350 B/s: 2.86 s', 350, false],
    ['owner at 400 B/s: 2.5 s', 400, false],
  ])('%s', (_, rateBps, raced) => {
    const c = owner(7, rateBps, 10_000, { allowanceMs: 2000 });
    expect(raceCandidate(snapshot([c], inPieces))).toBe(raced ? c : null);
  });

  it('no whole piece in flight (no allowance): no race', () => {
    expect(raceCandidate(snapshot([owner(7, 1, 10_000, { allowanceMs: 0 })], inPieces))).toBeNull();
  });

  it('nothing reserved (reservedEnd before pos): no race', () => {
    const claim: Claim = { id: 7, start: 0, pos: 500, reservedEnd: 499, end: 9999 };
    expect(
      raceCandidate(snapshot([view({ id: 7, claim, rateBps: 1, allowanceMs: 2000 })], inPieces)),
    ).toBeNull();
  });

  it('the same owner: raced for its 10_000-byte rest as a stream, not for its 1000-byte piece', () => {
    // 500 B/s: stream 20 s against 2/3 of 10 s + 1 s; piece 2 s against 1 s + 1 s.
    const c = owner(7, 500, 10_000, { allowanceMs: 2000 });
    expect(raceCandidate(snapshot([c], { pieces: false }))).toBe(c);
    expect(raceCandidate(snapshot([c], { pieces: true }))).toBeNull();
  });

  it('the piece in flight bounds the speed from above', () => {
    // Measured 10_000 B/s, but 1000 bytes out for 10 s: at most 100 B/s, 10 s to go.
    const c = owner(7, 10_000, 10_000, { allowanceMs: 2000, lastDataMs: NOW - 10_000 });
    expect(raceCandidate(snapshot([c], inPieces))).toBe(c);
    expect(raceCandidate(snapshot([owner(7, 10_000, 10_000, { allowanceMs: 2000 })], inPieces))).toBeNull();
  });
});

describe('raceCandidate: when there is no race', () => {
  const slow = () => owner(7, 10, 10_000);

  it.each<[string, Partial<EndgameSnapshot>]>([
    ['the expected speed is unknown', { expectedSpeed: 0 }],
    ['nothing remains', { remainingBytes: 0 }],
    ['more than two units per connection remain', { remainingBytes: 2001 }],
  ])('%s', (_, o) => {
    expect(raceCandidate(snapshot([slow()], o))).toBeNull();
  });

  it('exactly two units per connection remain: a race', () => {
    const a = slow();
    const b = owner(8, 1000, 100);
    expect(raceCandidate(snapshot([a, b], { remainingBytes: 4000 }))).toBe(a);
    expect(raceCandidate(snapshot([a, b], { remainingBytes: 4001 }))).toBeNull();
  });

  it('no connections counts as one', () => {
    expect(raceCandidate(snapshot([], { remainingBytes: 2000 }))).toBeNull();
  });

  it.each<[string, Partial<ConnectionView>]>([
    ['already racing', { racing: true }],
    ['no request open', { hasRequest: false }],
    ['still connecting', { state: 'connecting' }],
    ['retrying', { state: 'retrying' }],
    ['no claim', { claim: null }],
    [
      'claim already received to its end',
      { claim: { id: 7, start: 0, pos: 1000, reservedEnd: 999, end: 999 } },
    ],
  ])('against a connection %s', (_, o) => {
    expect(raceCandidate(snapshot([owner(7, 10, 10_000, o)]))).toBeNull();
  });

  it(`past ${MAX_RACES_PER_CLAIM} races against the claim`, () => {
    expect(MAX_RACES_PER_CLAIM).toBe(2);
    const c = slow();
    const seen: number[] = [];
    const racesOf = (n: number) => (id: number) => {
      seen.push(id);
      return n;
    };
    expect(raceCandidate(snapshot([c], { racesOf: racesOf(1) }))).toBe(c);
    expect(raceCandidate(snapshot([c], { racesOf: racesOf(2) }))).toBeNull();
    expect(seen).toEqual([7, 7]);
  });
});

describe('raceCandidate: the one finishing last', () => {
  it('picks the longest finish, in any order', () => {
    const a = owner(1, 100, 10_000); // 100 s
    const b = owner(2, 50, 10_000); // 200 s
    const c = owner(3, 100, 30_000); // 300 s
    const d = owner(4, 5000, 10_000); // 2 s: not worth a race
    expect(raceCandidate(snapshot([a, b, c, d], { remainingBytes: 8000 }))).toBe(c);
    expect(raceCandidate(snapshot([c, b, a, d], { remainingBytes: 8000 }))).toBe(c);
    expect(raceCandidate(snapshot([a, b, d], { remainingBytes: 6000 }))).toBe(b);
  });

  it('skips the one finishing last when it cannot be raced', () => {
    const a = owner(1, 100, 10_000);
    const b = owner(2, 50, 10_000, { racing: true });
    expect(raceCandidate(snapshot([a, b], { remainingBytes: 4000 }))).toBe(a);
    const limited = snapshot([a, owner(2, 50, 10_000)], {
      remainingBytes: 4000,
      racesOf: (id) => (id === 2 ? 2 : 0),
    });
    expect(raceCandidate(limited)?.id).toBe(1);
  });

  it('on a tie, the first', () => {
    const a = owner(1, 100, 10_000);
    const b = owner(2, 100, 10_000);
    expect(raceCandidate(snapshot([a, b], { remainingBytes: 4000 }))).toBe(a);
  });
});

describe('streamRaceRange', () => {
  const claim = (pos: number, end: number): Claim => ({ id: 1, start: 0, pos, end, reservedEnd: end });

  it.each<[string, Claim, number, number, number, { from: number; to: number } | null]>([
    // The owner reaches 1000 during the start-up; of 1000-9999 the racer takes the back half.
    [
      'equal speeds: half of what lies past the start-up',
      claim(0, 9999),
      1000,
      1000,
      1,
      { from: 5500, to: 9999 },
    ],
    ['a racer three times faster: three quarters', claim(0, 9999), 1000, 3000, 1, { from: 3250, to: 9999 }],
    ['a racer three times slower: a quarter', claim(0, 9999), 3000, 1000, 1, { from: 8250, to: 9999 }],
    ['owner speed unknown: half of all', claim(0, 9999), 0, 1000, 1, { from: 5000, to: 9999 }],
    ['expected speed unknown: half', claim(0, 9999), 1000, 0, 0, { from: 5000, to: 9999 }],
    ['start-up rounded up to whole bytes', claim(0, 9999), 1000, 1000, 0.0001, { from: 5001, to: 9999 }],
    ['from the claim position, not its start', claim(4000, 9999), 1000, 1000, 1, { from: 7500, to: 9999 }],
    ['two bytes past the start-up: the last one', claim(0, 1001), 1000, 1000, 1, { from: 1001, to: 1001 }],
    ['the owner finishes during the start-up', claim(9500, 9999), 1000, 1000, 1, null],
    ['one byte past the start-up: nothing to share', claim(0, 1000), 1000, 1000, 1, null],
    ['the claim already received', claim(10_000, 9999), 1000, 1000, 1, null],
  ])('%s', (_, c, ownerSpeed, expectedSpeed, startupSeconds, expected) => {
    expect(streamRaceRange(c, ownerSpeed, expectedSpeed, startupSeconds)).toEqual(expected);
  });
});

describe('streamRaceLost', () => {
  const claim = (pos: number, end: number): Claim => ({ id: 1, start: 0, pos, end, reservedEnd: end });

  it.each<[string, Claim, boolean, number, boolean]>([
    ['owner short of the racer range, claim held', claim(4000, 9999), true, 5000, false],
    ['owner one byte short', claim(4999, 9999), true, 5000, false],
    ['owner reached the racer range', claim(5000, 9999), true, 5000, true],
    ['owner past it', claim(6000, 9999), true, 5000, true],
    ['the claim no longer held', claim(0, 9999), false, 5000, true],
    ['the claim shrank before the racer range', claim(0, 4999), true, 5000, true],
    ['the claim ends at the racer first byte', claim(0, 5000), true, 5000, false],
  ])('%s', (_, c, held, from, lost) => {
    expect(streamRaceLost(c, held, from)).toBe(lost);
  });
});
