import { describe, expect, it } from 'vitest';
import { RampPolicy, type RampSnapshot } from '../../src/engine/policies/ramp';
import type { ConnectionView } from '../../src/engine/policies/view';
import { connectionView } from '../helpers/connection-view';

function view(id: number, o: Partial<ConnectionView> = {}): ConnectionView {
  return connectionView({ id, ...o });
}

function snap(
  nowMs: number,
  connections: ConnectionView[],
  deliveredBytes: number,
  o: Partial<RampSnapshot> = {},
) {
  return {
    nowMs,
    allowed: 8,
    remainingBytes: 1_000_000_000,
    connections,
    deliveredBytes,
    deliveredAtMs: nowMs,
    newestId: Math.max(0, ...connections.map((c) => c.id)),
    ...o,
  } satisfies RampSnapshot;
}

/** Connections 1 and 2, receiving since t=0, having delivered `oldBytes` between them; 3 and 4 since t=140. */
function four(oldBytes: number): ConnectionView[] {
  return [
    view(1, { bytes: oldBytes / 2 }),
    view(2, { bytes: oldBytes / 2 }),
    view(3, { receivingSinceMs: 140 }),
    view(4, { receivingSinceMs: 140 }),
  ];
}

/** The first step (2 connections) measured at 100_000 B/s: target 4 from t=130. */
function afterFirstStep(allowed = 8): RampPolicy {
  const ramp = new RampPolicy(true, allowed, 0, false);
  const two = [view(1), view(2)];
  expect(ramp.update(snap(30, two, 0, { allowed }))).toBe(false);
  expect(ramp.update(snap(130, two, 10_000, { allowed }))).toBe(true);
  expect(ramp.target).toBe(4);
  return ramp;
}

/** Starts the second step's measurement at t=170, with 10_000 bytes delivered (all by connections 1 and 2). */
function secondStepStarted(): RampPolicy {
  const ramp = afterFirstStep();
  expect(ramp.update(snap(169, four(10_000), 10_000))).toBe(false);
  expect(ramp.update(snap(170, four(10_000), 10_000))).toBe(false);
  return ramp;
}

/** The second step's snapshot `elapsedMs` after t=170, `rate` in all and `oldRate` from connections 1 and 2. */
function secondStepAt(elapsedMs: number, rate: number, oldRate: number): RampSnapshot {
  const delivered = (rate * elapsedMs) / 1000;
  const old = (oldRate * elapsedMs) / 1000;
  return snap(170 + elapsedMs, four(10_000 + old), 10_000 + delivered);
}

describe('RampPolicy: where it starts', () => {
  it.each<[boolean, number, number, boolean]>([
    [true, 8, 2, true],
    [true, 3, 2, true],
    [true, 2, 2, false],
    [true, 1, 1, false],
    [false, 8, 8, false],
    [false, 1, 1, false],
  ])('enabled %s, %i allowed: target %i, ramping %s', (enabled, allowed, target, ramping) => {
    const ramp = new RampPolicy(enabled, allowed, 0, false);
    expect([ramp.target, ramp.ramping]).toEqual([target, ramping]);
  });

  it('not ramping: update changes nothing', () => {
    const ramp = new RampPolicy(false, 8, 0, false);
    expect(ramp.update(snap(5000, [view(1), view(2)], 1_000_000))).toBe(false);
    expect([ramp.target, ramp.ramping]).toEqual([8, false]);
  });
});

describe('RampPolicy, streams: when a step is measured', () => {
  it('waits for every connection to receive past 30 ms, then measures 100 ms', () => {
    const ramp = new RampPolicy(true, 8, 0, false);
    const two = [view(1), view(2, { receivingSinceMs: 10 })];
    expect(ramp.update(snap(39, two, 0))).toBe(false); // connection 2 receiving for 29 ms
    expect(ramp.update(snap(40, two, 500))).toBe(false); // measuring from here, 500 bytes in
    expect(ramp.update(snap(139, two, 10_000))).toBe(false);
    expect(ramp.target).toBe(2);
    expect(ramp.update(snap(140, two, 10_500))).toBe(true);
    expect([ramp.target, ramp.ramping]).toEqual([4, true]);
  });

  it.each<[string, Partial<ConnectionView>]>([
    ['still connecting', { state: 'connecting', receivingSinceMs: null }],
    ['retrying', { state: 'retrying' }],
    ['receiving for 29 ms', { receivingSinceMs: 1971 }],
  ])('a connection %s holds the measurement back, up to 2 s', (_, o) => {
    const ramp = new RampPolicy(true, 8, 0, false);
    const two = [view(1), view(2, o)];
    expect(ramp.update(snap(1999, two, 0))).toBe(false);
    expect(ramp.update(snap(2000, two, 0))).toBe(false); // measuring from here
    expect(ramp.update(snap(2099, two, 1000))).toBe(false);
    expect(ramp.update(snap(2100, two, 1000))).toBe(true);
    expect(ramp.target).toBe(4);
  });

  it('the 2 s count from the step start, not from the ramp', () => {
    const ramp = afterFirstStep(); // second step began at t=130
    const stuck = [view(1), view(2), view(3), view(4, { state: 'connecting', receivingSinceMs: null })];
    expect(ramp.update(snap(2129, stuck, 10_000))).toBe(false);
    expect(ramp.update(snap(2130, stuck, 10_000))).toBe(false); // measuring from here
    // 100 ms later: 30_000 B/s against 100_000, with connections 1 and 2 at 0: a fall, measured longer.
    expect(ramp.update(snap(2230, stuck, 13_000))).toBe(false);
    expect(ramp.ramping).toBe(true);
  });

  it.each<[string, number, boolean]>([
    // 10_000 bytes between arrivals 80 ms apart: 125_000 B/s, so the second step's 150_000 is an unclear gain.
    ['from the first arrival to the last when they span half the window', 110, false],
    ['over the whole window', 130, true],
    // Arrivals 40 ms apart span less than half the window: the window counts, 100_000 B/s.
    ['over the whole window when arrivals span less than half of it', 70, true],
  ])('throughput counted %s', (_, lastArrivalMs, grows) => {
    const ramp = new RampPolicy(true, 8, 0, false);
    const two = [view(1), view(2)];
    ramp.update(snap(30, two, 0));
    expect(ramp.update(snap(130, two, 10_000, { deliveredAtMs: lastArrivalMs }))).toBe(true);
    ramp.update(snap(169, four(10_000), 10_000));
    ramp.update(snap(170, four(10_000), 10_000));
    expect(ramp.update(secondStepAt(100, 150_000, 150_000))).toBe(grows);
  });
});

describe('RampPolicy, streams: what a step decides (last step 100_000 B/s)', () => {
  it.each<[string, number, number, boolean, number]>([
    ['a clear gain: the target doubles', 200_000, 100_000, true, 8],
    ['no gain, the earlier connections steady: stops', 92_000, 100_000, false, 4],
    ['a clear gain over the earlier connections slowed a little', 200_000, 95_000, true, 8],
    // Against what the earlier connections deliver now (90_500, steady): a gain of 1.5, clear. Against the last
    // step's 100_000 it would be 1.36, unclear.
    ['a clear gain over the earlier connections as they are now', 136_000, 90_500, true, 8],
  ])('%s', (_, rate, oldRate, grows, target) => {
    const ramp = secondStepStarted();
    expect(ramp.update(secondStepAt(99, rate, oldRate))).toBe(false);
    expect(ramp.update(secondStepAt(100, rate, oldRate))).toBe(grows);
    expect([ramp.target, ramp.ramping]).toEqual([target, grows]);
  });

  it.each<[string, number, number, number, number, boolean]>([
    // Gain 1.2: unclear at 100 ms, measured to 1 s.
    ['an unclear gain that holds', 120_000, 100_000, 120_000, 100_000, true],
    ['an unclear gain that fades', 120_000, 100_000, 105_000, 100_000, false],
    // Throughput fell (50_000 < 90_000) with the earlier connections at 40_000: their last measurement was a
    // burst; measured against what they deliver now.
    ['a fall, the newcomers adding enough over the earlier ones', 50_000, 40_000, 50_000, 40_000, true],
    ['a fall, the newcomers adding too little', 50_000, 40_000, 42_000, 40_000, false],
    // 85_000 is a fall too (below 90_000), though against the earlier connections' 40_000 it is a clear gain.
    ['a small fall, the earlier connections at 40_000', 85_000, 40_000, 85_000, 40_000, true],
    // Earlier connections steady at 92_000: a gain of 1.13 over them, 1.04 over the last step's 100_000.
    [
      'earlier connections a little slower: against what they deliver now',
      104_000,
      92_000,
      104_000,
      92_000,
      true,
    ],
    // Earlier connections halved while the newcomers took an even share: a shared bottleneck, against the
    // last step's 100_000.
    ['a shared bottleneck', 100_000, 50_000, 100_000, 50_000, false],
    // Earlier connections down to 80_000, newcomers adding 6_000 each (below half of 40_000): against 80_000.
    ['slow newcomers, earlier connections slowed', 92_000, 80_000, 92_000, 80_000, true],
  ])('%s: measured for 1 s', (_, shortRate, shortOld, longRate, longOld, grows) => {
    const ramp = secondStepStarted();
    expect(ramp.update(secondStepAt(100, shortRate, shortOld))).toBe(false);
    expect(ramp.ramping).toBe(true);
    expect(ramp.update(secondStepAt(999, longRate, longOld))).toBe(false);
    expect([ramp.target, ramp.ramping]).toEqual([4, true]);
    expect(ramp.update(secondStepAt(1000, longRate, longOld))).toBe(grows);
    expect([ramp.target, ramp.ramping]).toEqual([grows ? 8 : 4, grows]);
  });
});

describe('RampPolicy, streams: when no connection from before the step remains', () => {
  it('the step is compared with the last one', () => {
    const ramp = afterFirstStep();
    // Connections 1 and 2 replaced by newer ones: nothing counts as the earlier connections' throughput.
    const newer = [3, 4, 5, 6].map((id) => view(id));
    ramp.update(snap(170, newer, 10_000));
    // 100_000 B/s against the last step's 100_000: unclear at 100 ms, no gain at 1 s.
    expect(ramp.update(snap(270, newer, 20_000))).toBe(false);
    expect(ramp.ramping).toBe(true);
    expect(ramp.update(snap(1170, newer, 110_000))).toBe(false);
    expect([ramp.target, ramp.ramping]).toEqual([4, false]);
  });
});

describe('RampPolicy: when it stops', () => {
  it('the target reaches what is allowed', () => {
    const ramp = afterFirstStep(6);
    const fast = (t: number, bytes: number) => snap(t, four(bytes / 2), bytes, { allowed: 6 });
    ramp.update(fast(170, 10_000));
    expect(ramp.update(fast(270, 40_000))).toBe(true);
    expect(ramp.target).toBe(6); // not 8
    expect(ramp.update(fast(5000, 1_000_000))).toBe(false);
    expect([ramp.target, ramp.ramping]).toEqual([6, false]);
  });

  it('the host allows no more than the target', () => {
    const ramp = afterFirstStep();
    expect(ramp.update(snap(200, four(10_000), 10_000, { allowed: 4 }))).toBe(false);
    expect([ramp.target, ramp.ramping]).toEqual([4, false]);
    expect(ramp.update(snap(400, four(10_000), 10_000, { allowed: 8 }))).toBe(false);
  });

  it('nothing remains', () => {
    const ramp = afterFirstStep();
    expect(ramp.update(snap(200, four(10_000), 10_000, { remainingBytes: 0 }))).toBe(false);
    expect([ramp.target, ramp.ramping]).toEqual([4, false]);
  });

  it('stop(), even mid-measurement with a clear gain', () => {
    const ramp = secondStepStarted();
    ramp.stop();
    expect(ramp.update(secondStepAt(100, 400_000, 100_000))).toBe(false);
    expect([ramp.target, ramp.ramping]).toEqual([4, false]);
  });

  it('once stopped by a step, later gains change nothing', () => {
    const ramp = secondStepStarted();
    expect(ramp.update(secondStepAt(100, 92_000, 100_000))).toBe(false);
    expect(ramp.update(secondStepAt(5000, 900_000, 100_000))).toBe(false);
    expect([ramp.target, ramp.ramping]).toEqual([4, false]);
  });
});

describe('RampPolicy, pieces: measured from pieces asked after the step began', () => {
  const piece = (id: number, pieceStartMs: number, pieceRate: number) =>
    view(id, { pieceStartMs, pieceRate });

  /** First step measured at 2 x 1000 B/s at t=200: target 4, the second step began at t=200. */
  function afterFirstPieces(): RampPolicy {
    const ramp = new RampPolicy(true, 8, 0, true);
    expect(ramp.update(snap(100, [piece(1, 50, 1000), piece(2, Number.NEGATIVE_INFINITY, 0)], 0))).toBe(
      false,
    );
    expect(ramp.update(snap(200, [piece(1, 50, 1000), piece(2, 0, 1000)], 0))).toBe(true);
    expect(ramp.target).toBe(4);
    return ramp;
  }

  it('pieces asked before the step do not count', () => {
    const ramp = afterFirstPieces();
    const stale = [piece(1, 50, 5000), piece(2, 199, 5000), piece(3, 250, 5000), piece(4, 260, 5000)];
    expect(ramp.update(snap(300, stale, 0))).toBe(false);
    expect(ramp.ramping).toBe(true);
    const atStart = [piece(1, 200, 5000), piece(2, 210, 5000), piece(3, 250, 5000), piece(4, 260, 5000)];
    expect(ramp.update(snap(310, atStart, 0))).toBe(true);
    expect(ramp.target).toBe(8);
  });

  it.each<[string, number, boolean]>([
    ['4 x 900 against 2000: grows', 900, true],
    ['4 x 550 = 2200, exactly 1.1 x: grows', 550, true],
    ['4 x 540 against 2000: stops', 540, false],
  ])('%s', (_, pieceRate, grows) => {
    const ramp = afterFirstPieces();
    const all = [1, 2, 3, 4].map((id) => piece(id, 300, pieceRate));
    expect(ramp.update(snap(400, all, 0))).toBe(grows);
    expect([ramp.target, ramp.ramping]).toEqual([grows ? 8 : 4, grows]);
  });

  it('after 20 s, the connections still out count at the others mean', () => {
    const ramp = afterFirstPieces();
    // Three pieces at 600: 1800 alone, 2400 with the fourth counted at the mean.
    const three = [piece(1, 300, 600), piece(2, 300, 600), piece(3, 300, 600), piece(4, 100, 0)];
    expect(ramp.update(snap(20_199, three, 0))).toBe(false);
    expect(ramp.ramping).toBe(true);
    expect(ramp.update(snap(20_200, three, 0))).toBe(true);
    expect(ramp.target).toBe(8);
  });

  it('after 20 s, fewer connections than the target count as they are', () => {
    const ramp = afterFirstPieces();
    // Three connections of four allowed, all with a fresh piece at 700: 2100, below 2200.
    const three = [piece(1, 300, 700), piece(2, 300, 700), piece(3, 300, 700)];
    expect(ramp.update(snap(20_199, three, 0))).toBe(false);
    expect(ramp.update(snap(20_200, three, 0))).toBe(false);
    expect([ramp.target, ramp.ramping]).toEqual([4, false]);
  });

  it('after 20 s with no fresh piece at all: still waiting', () => {
    const ramp = afterFirstPieces();
    const none = [1, 2, 3, 4].map((id) => piece(id, 100, 1000));
    expect(ramp.update(snap(60_000, none, 0))).toBe(false);
    expect([ramp.target, ramp.ramping]).toEqual([4, true]);
  });

  it('the stream counters play no part', () => {
    const ramp = new RampPolicy(true, 8, 0, true);
    const two = [piece(1, 10, 1000), piece(2, 10, 1000)].map((c) => ({ ...c, state: 'connecting' as const }));
    expect(ramp.update(snap(11, two, 0, { deliveredAtMs: 0 }))).toBe(true);
  });
});
