import type { SplitHints } from '../scheduler';
import type { ConnectionView } from './view';

/** Time to first byte: each new measurement moves the estimate this much of the way. */
const STARTUP_WEIGHT = 0.3;

/** The median of the positive values (the upper one of an even count), 0 when there is none. */
export function medianPositive(values: readonly number[]): number {
  const known = values.filter((v) => v > 0).sort((a, b) => a - b);
  return known[Math.floor(known.length / 2)] ?? 0;
}

/**
 * A connection's speed for split and race decisions. In piece mode no byte shows before a piece is whole, so a
 * piece in flight for t seconds bounds the speed from above (its bytes / t): a slow connection's piece is known
 * to be slow before it completes.
 */
export function speedOf(c: ConnectionView, nowMs: number): number {
  const measured = c.rate(nowMs);
  if (c.allowanceMs <= 0 || !c.claim) return measured;
  const inFlight = c.claim.reservedEnd - c.claim.pos + 1;
  const seconds = Math.max(nowMs - c.lastDataMs, 100) / 1000;
  const bound = inFlight / seconds;
  return measured > 0 ? Math.min(measured, bound) : bound;
}

/** The seconds a new request takes to its first byte, updated with one measurement. */
export function nextStartupSeconds(currentSeconds: number, ttfbSeconds: number): number {
  return currentSeconds * (1 - STARTUP_WEIGHT) + ttfbSeconds * STARTUP_WEIGHT;
}

/**
 * What the scheduler needs to split work: each claim's owner's speed, the speed a new connection can expect (the
 * median), and the smallest split worth a new request (four start-ups' worth of bytes at that speed, at least
 * `minSplitBytes`).
 */
export function splitHints(
  connections: Iterable<ConnectionView>,
  nowMs: number,
  o: { minSplitBytes: number; startupSeconds: number; raceTails: boolean },
): SplitHints {
  const speeds = new Map<number, number>();
  for (const c of connections) if (c.claim) speeds.set(c.claim.id, speedOf(c, nowMs));
  const median = medianPositive([...speeds.values()]);
  return {
    speedOf: (id: number) => speeds.get(id) ?? 0,
    expectedSpeed: median,
    minSplitBytes: Math.max(o.minSplitBytes, median * o.startupSeconds * 4),
    startupSeconds: o.startupSeconds,
    raceTails: o.raceTails,
  };
}
