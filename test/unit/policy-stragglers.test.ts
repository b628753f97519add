import { describe, expect, it } from 'vitest';
import { StragglerPolicy } from '../../src/engine/policies/stragglers';
import type { ConnectionView } from '../../src/engine/policies/view';
import { connectionView } from '../helpers/connection-view';

const STARTUP = 0.2;

/** A connection receiving since t=0 at a fixed rate, with 1 MB of its claim left. */
function view(id: number, rateBps: number, o: Partial<ConnectionView> = {}): ConnectionView {
  const claim = { id: id + 100, start: 0, pos: 0, reservedEnd: 999_999, end: 999_999 };
  return connectionView({ id, rateBps, claim, ...o });
}

/** The ids restarted at each of `times`, with the connections `at` gives for that time. */
function run(policy: StragglerPolicy, times: number[], at: (nowMs: number) => ConnectionView[]): number[][] {
  return times.map((t) => policy.update(at(t), t, STARTUP).map((c) => c.id));
}

// The others at 10_000 B/s: a straggler is below 3000 B/s.
const fast = [view(1, 10_000), view(2, 10_000)];

describe('StragglerPolicy: how slow and how long', () => {
  it.each<[string, number, number[], number[][]]>([
    // 300 B/s is a tenth of the threshold: 0.3 s of evidence, raised to 0.5 s.
    ['at 1/10 of the threshold: 0.5 s after the grace', 300, [499, 500, 999, 1000], [[], [], [], [3]]],
    ['stalled (0 B/s): 0.5 s', 0, [500, 999, 1000], [[], [], [3]]],
    // 1500 B/s is half the threshold: 1.5 s.
    ['at half the threshold: 1.5 s', 1500, [500, 1999, 2000], [[], [], [3]]],
    // 2400 B/s: 0.8 of the threshold, 2.4 s.
    ['at 0.8 of the threshold: 2.4 s', 2400, [500, 2899, 2900], [[], [], [3]]],
    ['at exactly 0.3x the median: never', 3000, [500, 1000, 5000, 60_000], [[], [], [], []]],
    ['at 0.5x the median: never', 5000, [500, 1000, 5000, 60_000], [[], [], [], []]],
  ])('%s', (_, rateBps, times, expected) => {
    const policy = new StragglerPolicy(4);
    expect(run(policy, times, () => [...fast, view(3, rateBps)])).toEqual(expected);
  });

  it('the slow record starts at the first update that sees it judged, not at the grace', () => {
    const policy = new StragglerPolicy(4);
    expect(run(policy, [2000, 2499, 2500], () => [...fast, view(3, 300)])).toEqual([[], [], [3]]);
  });

  it('the grace counts from when the response began arriving', () => {
    const policy = new StragglerPolicy(4);
    const at = () => [...fast, view(3, 300, { receivingSinceMs: 1000 })];
    expect(run(policy, [1499, 1500, 1999, 2000], at)).toEqual([[], [], [], [3]]);
  });

  it('a connection that picks up in between starts afresh', () => {
    const policy = new StragglerPolicy(4);
    const at = (t: number) => [...fast, view(3, t === 700 ? 10_000 : 300)];
    expect(run(policy, [500, 700, 800, 1000, 1299, 1300], at)).toEqual([[], [], [], [], [], [3]]);
  });

  it('restarts each slow one, and the record starts afresh after a restart', () => {
    const policy = new StragglerPolicy(4);
    const views = [...fast, view(3, 300), view(4, 10_000), view(5, 0)];
    expect(run(policy, [500, 1000, 1499, 1500, 1998, 1999], () => views)).toEqual([
      [],
      [3, 5],
      [],
      [],
      [],
      [3, 5],
    ]);
  });
});

describe('StragglerPolicy: who is judged', () => {
  it('fewer than 3 receiving: nothing', () => {
    const policy = new StragglerPolicy(4);
    expect(run(policy, [500, 1000, 10_000], () => [view(1, 10_000), view(2, 0)])).toEqual([[], [], []]);
  });

  it.each<[string, Partial<ConnectionView>]>([
    ['not receiving yet', { receivingSinceMs: null }],
    ['racing', { racing: true }],
    ['without a request', { hasRequest: false }],
    ['without a claim', { claim: null }],
  ])('a third connection %s does not count toward three', (_, o) => {
    const policy = new StragglerPolicy(4);
    const at = () => [view(1, 10_000), view(2, 300), view(3, 10_000, o)];
    expect(run(policy, [500, 1000, 10_000], at)).toEqual([[], [], []]);
    // The same three, all counted: the slow one goes.
    const counted = new StragglerPolicy(4);
    expect(run(counted, [500, 1000], () => [view(1, 10_000), view(2, 300), view(3, 10_000)])).toEqual([
      [],
      [2],
    ]);
  });

  it('others with no speed do not make a median', () => {
    // The stalled connection 2 is judged against 300 and 10_000 B/s and restarted; for connection 3 only one
    // other has a speed: never judged.
    const policy = new StragglerPolicy(4);
    const at = () => [view(1, 10_000), view(2, 0), view(3, 300)];
    expect(run(policy, [500, 1000, 1500, 2000, 5000], at)).toEqual([[], [2], [], [2], []]);
  });

  it('the median is of the others: a slow majority hides a straggler', () => {
    const policy = new StragglerPolicy(4);
    const at = () => [view(1, 10_000), view(2, 300), view(3, 300), view(4, 300)];
    expect(run(policy, [500, 1000, 5000], at)).toEqual([[], [], []]);
  });

  it('not worth it when little is left', () => {
    // 400 bytes at 300 B/s: 1.33 s, against 0.04 s at the median + 0.2 s start-up + 1 s: worth it.
    // 300 bytes: 1 s against 1.23 s: not.
    const left = (bytes: number) => () => [
      ...fast,
      view(3, 300, { claim: { id: 103, start: 0, pos: 0, reservedEnd: bytes - 1, end: bytes - 1 } }),
    ];
    expect(run(new StragglerPolicy(4), [500, 1000], left(400))).toEqual([[], [3]]);
    expect(run(new StragglerPolicy(4), [500, 1000, 5000], left(300))).toEqual([[], [], []]);
  });

  it('a piece in flight bounds the speed', () => {
    // Measured 10_000 B/s; a 30_000-byte piece out since t=0 is at most 3000 B/s at 10 s, 300 B/s at 100 s.
    const claim = { id: 103, start: 0, pos: 0, reservedEnd: 29_999, end: 999_999 };
    const times = [500, 10_000, 100_000, 100_499, 100_500];
    const inFlight = () => [...fast, view(3, 10_000, { claim, allowanceMs: 60_000, lastDataMs: 0 })];
    expect(run(new StragglerPolicy(4), times, inFlight)).toEqual([[], [], [], [], [3]]);
    // No piece in flight (a stream): the measured rate, never slow.
    const stream = () => [...fast, view(3, 10_000, { claim, allowanceMs: 0, lastDataMs: 0 })];
    expect(run(new StragglerPolicy(4), times, stream)).toEqual([[], [], [], [], []]);
  });
});

describe('StragglerPolicy: per request', () => {
  it('a connection on a new request (requestsEnded changed) starts afresh', () => {
    const policy = new StragglerPolicy(4);
    const at = (t: number) => [...fast, view(3, 300, { requestsEnded: t < 800 ? 0 : 1 })];
    // Slow since 500 on request 0; request 1 is slow since 800, restarted at 1300.
    expect(run(policy, [500, 800, 1000, 1299, 1300], at)).toEqual([[], [], [], [], [3]]);
  });

  it('the same request on a connection keeps its record', () => {
    const policy = new StragglerPolicy(4);
    expect(run(policy, [500, 800, 1000], () => [...fast, view(3, 300, { requestsEnded: 2 })])).toEqual([
      [],
      [],
      [3],
    ]);
  });

  it('records are per connection id', () => {
    const policy = new StragglerPolicy(4);
    // Connection 3 slow from 500, then gone; connection 4 (same request count) slow from 800.
    const at = (t: number) => [...fast, t < 800 ? view(3, 300) : view(4, 300)];
    expect(run(policy, [500, 800, 1000, 1299, 1300], at)).toEqual([[], [], [], [], [4]]);
  });
});

describe('StragglerPolicy: a bounded number of restarts', () => {
  /** One straggler that never gets faster, updated every 500 ms: a restart each second. */
  const every500 = Array.from({ length: 20 }, (_, i) => 500 * (i + 1));
  const restartTimes = (maxConnections: number) => {
    const policy = new StragglerPolicy(maxConnections);
    const restarted = run(policy, every500, () => [...fast, view(3, 300)]);
    return every500.filter((_, i) => restarted[i]!.length > 0);
  };

  it('4 per connection allowed', () => {
    expect(restartTimes(1)).toEqual([1000, 2000, 3000, 4000]);
    expect(restartTimes(2)).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]);
  });

  it('none with no connection allowed', () => {
    expect(restartTimes(0)).toEqual([]);
  });

  it('holds to the bound within one update too', () => {
    // Five stragglers due together: four are restarted (the bound for one connection), the fifth never.
    const policy = new StragglerPolicy(1);
    const many = [1, 2, 3, 4, 5, 6].map((id) => view(id, 10_000));
    const slow = [7, 8, 9, 10, 11].map((id) => view(id, 300));
    expect(run(policy, [500, 1000, 1500, 2000], () => [...many, ...slow])).toEqual([
      [],
      [7, 8, 9, 10],
      [],
      [],
    ]);
  });
});
