/**
 * The benchmark scenarios: what the server does, how many connections each client asks for, the ideal
 * time, and the target our CLI must meet. Every backend (the Node test server, nginx) serves the same shapes.
 */

export interface ServerShape {
  /**
   * Rate of the k-th socket the server accepts, counted from 0 in accept order: socketRates[k % length], bytes/s.
   * Socket 0 is the client's first connection (the probe of accel and aria2c, which then carries data too; axel
   * closes its probe and opens its data connections as sockets 1..n).
   */
  socketRates: readonly number[];
  /** At most this many GET requests served at once; the others get 503 with Retry-After: 1. Null: no limit. */
  maxConcurrent: number | null;
}

export type Goal =
  /** Time within maxRatio of the ideal. */
  | { kind: 'ratio'; maxRatio: number }
  /** Within maxRatio and faster than every other client. */
  | { kind: 'fastest'; maxRatio: number }
  /** Within maxRatio, and no request storm: on average at most one 503 answer per second of the download. */
  | { kind: 'polite'; maxRatio: number };

export interface Scenario {
  key: 'a' | 'b' | 'c' | 'd' | 'e';
  label: string;
  /** -n given to every client. */
  connections: number;
  shape: ServerShape;
  /** Sum of the capacities of the connections the client may use, bytes/s: ideal time = size / capacity. */
  capacityBytesPerSecond: number;
  goal: Goal;
}

/** (b) the k-th socket gets UNEVEN[k % 4] x cap. With n a multiple of 4 every client's data connections get the
 * same mix (axel's start one socket later, but cover the cycle as often), so capacity = n x the mean. */
const UNEVEN = [1, 1, 1 / 4, 1 / 16];
/** (c) the slow connection's share of the cap. */
const SLOW_SHARE = 1 / 64;
/**
 * (c) Only socket 1 is slow: it is a data connection for all three clients (accel and aria2c keep their probe,
 * socket 0, as a data connection and open sockets 1..n-1; axel drops its probe and opens 1..n), so each client has
 * exactly one slow connection among its n. The list is longer than any client's socket count, so a connection
 * opened later (a retry, a restarted straggler) is not slow: the slow path is that one connection.
 */
const SLOW_SOCKET = 1;
/**
 * (e) Every fifth socket at 1/8 of the cap (1 MiB/s of 8), the rest at the cap. With 6 connections each client has
 * exactly one slow one: socket 4 (accel and aria2c use sockets 0-5, axel 1-6).
 */
const EVERY_FIFTH = [1, 1, 1, 1, 1 / 8];
const SLOW_LIST_LENGTH = 4096;

export function scenarios(capBytesPerSecond: number, quick: boolean): Scenario[] {
  const cap = capBytesPerSecond;
  const capMib = cap / (1024 * 1024);
  const rows = (full: number[], one: number): number[] => (quick ? [one] : full);
  const slowRates = Array.from({ length: SLOW_LIST_LENGTH }, (_, k) =>
    k === SLOW_SOCKET ? cap * SLOW_SHARE : cap,
  );
  const unevenMean = UNEVEN.reduce((a, b) => a + b) / UNEVEN.length;
  return [
    ...rows([4, 6, 8], 6).map(
      (n): Scenario => ({
        key: 'a',
        label: `(a) cap ${capMib} MiB/s per connection`,
        connections: n,
        shape: { socketRates: [cap], maxConcurrent: null },
        capacityBytesPerSecond: n * cap,
        goal: { kind: 'ratio', maxRatio: 1.1 },
      }),
    ),
    ...rows([4, 8], 8).map(
      (n): Scenario => ({
        key: 'b',
        label: '(b) uneven: 1, 1, 1/4, 1/16 x cap in turn',
        connections: n,
        shape: { socketRates: UNEVEN.map((f) => f * cap), maxConcurrent: null },
        capacityBytesPerSecond: n * unevenMean * cap,
        goal: { kind: 'fastest', maxRatio: 1.2 },
      }),
    ),
    ...rows([6, 8], 6).map(
      (n): Scenario => ({
        key: 'c',
        label: '(c) 2nd connection at 1/64 x cap',
        connections: n,
        shape: { socketRates: slowRates, maxConcurrent: null },
        capacityBytesPerSecond: (n - 1 + SLOW_SHARE) * cap,
        goal: { kind: 'fastest', maxRatio: 1.2 },
      }),
    ),
    ...rows([6], 6).map(
      (n): Scenario => ({
        key: 'e',
        label: '(e) every fifth connection at 1/8 x cap',
        connections: n,
        shape: { socketRates: EVERY_FIFTH.map((f) => f * cap), maxConcurrent: null },
        capacityBytesPerSecond: (n - 1 + 1 / 8) * cap,
        goal: { kind: 'fastest', maxRatio: 1.05 },
      }),
    ),
    ...rows([6], 6).map(
      (n): Scenario => ({
        key: 'd',
        label: '(d) 2 connections at most (503 above), cap each',
        connections: n,
        shape: { socketRates: [cap], maxConcurrent: 2 },
        capacityBytesPerSecond: 2 * cap,
        goal: { kind: 'polite', maxRatio: 1.1 },
      }),
    ),
  ];
}

/** How long a client may run before it is stopped and reported as timed out: generous, yet bounded, because a
 * client that leaves the slow connection of (c) with a sixth of the file would need minutes. */
export function timeoutSeconds(idealSeconds: number): number {
  return 3 * idealSeconds + 10;
}
