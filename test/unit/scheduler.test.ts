import { describe, expect, it } from 'vitest';
import { Scheduler, type SplitHints } from '../../src/engine/scheduler';

const MIB = 1024 * 1024;
const hints = (over: Partial<SplitHints> = {}): SplitHints => ({
  speedOf: () => 0,
  expectedSpeed: 0,
  minSplitBytes: MIB,
  startupSeconds: 0.05,
  ...over,
});

describe('Scheduler', () => {
  it('hands out pending ranges first, in order', () => {
    const s = new Scheduler([
      { start: 10 * MIB, end: 20 * MIB - 1 },
      { start: 0, end: MIB - 1 },
    ]);
    expect(s.claimWork(hints())).toMatchObject({ start: 10 * MIB, end: 20 * MIB - 1 });
    expect(s.claimWork(hints())).toMatchObject({ start: 0, end: MIB - 1 });
  });

  it('splits the largest claim in half when speeds are unknown', () => {
    const s = new Scheduler([{ start: 0, end: 8 * MIB - 1 }]);
    const owner = s.claimPending()!;
    const taken = s.claimWork(hints())!;
    expect(taken).toMatchObject({ start: 4 * MIB, end: 8 * MIB - 1 });
    expect(owner.end).toBe(4 * MIB - 1);
  });

  it('splits in proportion to speeds so both finish together', () => {
    const s = new Scheduler([{ start: 0, end: 10 * MIB - 1 }]);
    const owner = s.claimPending()!;
    const taken = s.claimWork(hints({ speedOf: () => MIB, expectedSpeed: 4 * MIB }))!;
    expect(taken.end - taken.start + 1).toBe(8 * MIB);
    expect(owner.end - owner.pos + 1).toBe(2 * MIB);
  });

  it('splits from what the owner has not received yet', () => {
    const s = new Scheduler([{ start: 0, end: 8 * MIB - 1 }]);
    const owner = s.claimPending()!;
    s.advance(owner, 6 * MIB);
    expect(s.claimWork(hints())).toMatchObject({ start: 7 * MIB, end: 8 * MIB - 1 });
  });

  it('never hands out less than the minimum unless the owner is far slower (the tail)', () => {
    const s = new Scheduler([{ start: 0, end: 1.5 * MIB - 1 }]);
    s.claimPending();
    expect(s.claimWork(hints())).toBeNull();
    const slowOwner = hints({ speedOf: () => 64 * 1024, expectedSpeed: 8 * MIB });
    const taken = s.claimWork(slowOwner)!;
    expect(taken.end).toBe(1.5 * MIB - 1);
    expect(taken.end - taken.start + 1).toBeGreaterThan(1.4 * MIB);
  });

  it('leaves tails to endgame races when asked (the owner streams them already)', () => {
    const s = new Scheduler([{ start: 0, end: 0.75 * MIB - 1 }]);
    s.claimPending();
    const slowOwner = hints({ speedOf: () => 64 * 1024, expectedSpeed: 8 * MIB, raceTails: true });
    expect(s.claimWork(slowOwner)).toBeNull();
    expect(s.claimWork({ ...slowOwner, minSplitBytes: 1 })).not.toBeNull();
  });

  it('cedes the rest of a claim to a race winner only before the owner reaches it', () => {
    const s = new Scheduler([{ start: 0, end: 4 * MIB - 1 }]);
    const owner = s.claimPending()!;
    s.advance(owner, MIB);
    const won = s.cede(owner, 3 * MIB)!;
    expect([won.start, won.pos, won.end]).toEqual([3 * MIB, 3 * MIB, 4 * MIB - 1]);
    expect(owner.end).toBe(3 * MIB - 1);
    s.advance(owner, 3 * MIB - 512);
    expect(s.cede(owner, 3 * MIB - 1024)).toBeNull();
    expect(owner.end).toBe(3 * MIB - 1);
    s.reserve(won, 4 * MIB - 1);
    expect(s.cede(won, 3 * MIB + 10)).toBeNull();
  });

  it('does not steal a tail when the owner is about as fast as a new connection', () => {
    const s = new Scheduler([{ start: 0, end: 1.5 * MIB - 1 }]);
    s.claimPending();
    expect(s.claimWork(hints({ speedOf: () => 8 * MIB, expectedSpeed: 8 * MIB }))).toBeNull();
  });

  it('cuts a fresh claim into equal parts, never below the minimum', () => {
    const s = new Scheduler([{ start: 0, end: 12 * MIB - 1 }]);
    const owner = s.claimPending()!;
    const others = s.splitEvenly(owner, 3, MIB);
    expect([owner, ...others].map((c) => [c.start, c.end])).toEqual([
      [0, 4 * MIB - 1],
      [4 * MIB, 8 * MIB - 1],
      [8 * MIB, 12 * MIB - 1],
    ]);
    const small = new Scheduler([{ start: 0, end: 2 * MIB - 1 }]);
    expect(small.splitEvenly(small.claimPending()!, 6, MIB)).toHaveLength(1);
  });

  it('re-queues the unreceived rest of a released or truncated claim', () => {
    const s = new Scheduler([{ start: 0, end: 4 * MIB - 1 }]);
    const claim = s.claimPending()!;
    s.truncate(claim, MIB - 1);
    s.advance(claim, 512 * 1024);
    s.release(claim);
    expect(s.remainingBytes()).toBe(4 * MIB - 512 * 1024);
    expect(s.claimPending()).toMatchObject({ start: 512 * 1024, end: MIB - 1 });
    expect(s.claimPending()).toMatchObject({ start: MIB, end: 4 * MIB - 1 });
    expect(s.finished).toBe(false);
  });

  it('is finished when every claim was received and released', () => {
    const s = new Scheduler([{ start: 0, end: 99 }]);
    const claim = s.claimPending()!;
    s.advance(claim, 100);
    s.release(claim);
    expect(s.finished).toBe(true);
  });
});

describe('Scheduler with a piece in flight (whole-response pieces)', () => {
  it('splits only after the reserved piece', () => {
    const s = new Scheduler([{ start: 0, end: 8 * MIB - 1 }]);
    const owner = s.claimPending()!;
    s.reserve(owner, 6 * MIB - 1);
    // Half of what is left would start at 4 MiB, inside the piece: the taker gets only what lies after it.
    expect(s.claimWork(hints({ minSplitBytes: 1 }))).toMatchObject({ start: 6 * MIB, end: 8 * MIB - 1 });
    expect(owner.end).toBe(6 * MIB - 1);
  });

  it('never splits a claim whose rest is all in flight, not even for a tail steal', () => {
    const s = new Scheduler([{ start: 0, end: 2 * MIB - 1 }]);
    const owner = s.claimPending()!;
    s.reserve(owner, 2 * MIB - 1);
    const slowOwner = hints({ speedOf: () => 16 * 1024, expectedSpeed: 8 * MIB });
    expect(s.claimWork(slowOwner)).toBeNull();
    // Once the piece is in, the reservation goes with it and the rest may be split again.
    s.advance(owner, MIB);
    expect(owner.reservedEnd).toBe(2 * MIB - 1);
    s.advance(owner, 2 * MIB);
    expect(owner.reservedEnd).toBe(2 * MIB - 1);
    expect(s.remainingBytes()).toBe(0);
  });

  it('takes a tail after the piece in flight from a slow owner', () => {
    const s = new Scheduler([{ start: 0, end: 1.5 * MIB - 1 }]);
    const owner = s.claimPending()!;
    s.reserve(owner, 256 * 1024 - 1);
    const taken = s.claimWork(hints({ speedOf: () => 64 * 1024, expectedSpeed: 8 * MIB }))!;
    expect(taken.start).toBeGreaterThanOrEqual(256 * 1024);
    expect(taken.end).toBe(1.5 * MIB - 1);
    expect(owner.end).toBe(taken.start - 1);
    expect(owner.end).toBeGreaterThanOrEqual(owner.reservedEnd);
  });

  it('releases a failed piece from its start, and truncation keeps the reservation inside the claim', () => {
    const s = new Scheduler([{ start: 0, end: 4 * MIB - 1 }]);
    const owner = s.claimPending()!;
    s.advance(owner, MIB);
    s.reserve(owner, 2 * MIB - 1);
    s.truncate(owner, 1.5 * MIB - 1);
    expect(owner.reservedEnd).toBe(1.5 * MIB - 1);
    s.release(owner);
    expect(s.claimPending()).toMatchObject({ start: MIB, end: 1.5 * MIB - 1 });
  });
});

describe('Scheduler.extend', () => {
  it('joins the pending range right after the claim, as far as the response reaches', () => {
    const s = new Scheduler([{ start: 0, end: 99 }]);
    const claim = s.claimPending()!;
    const [taken] = s.splitEvenly(claim, 2, 1);
    s.release(taken!); // the second half goes back to pending: 50-99
    expect(s.extend(claim, 79)).toBe(true);
    expect(claim.end).toBe(79);
    expect(s.extend(claim, 99)).toBe(true);
    expect(claim.end).toBe(99);
    expect(s.hasPending).toBe(false);
    expect(s.extend(claim, 200)).toBe(false);
  });

  it('never takes bytes another connection holds, or a range that does not start right after the claim', () => {
    const s = new Scheduler([{ start: 0, end: 99 }]);
    const claim = s.claimPending()!;
    const [held, last] = s.splitEvenly(claim, 3, 1);
    expect(s.extend(claim, 99)).toBe(false);
    s.release(last!);
    expect(s.extend(claim, 99)).toBe(false);
    expect(claim.end).toBe(held!.start - 1);
    s.release(claim);
    expect(s.extend(claim, 99)).toBe(false);
  });
});
