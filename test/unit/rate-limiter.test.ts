import { describe, expect, it } from 'vitest';
import { paceAll, RateLimiter } from '../../src/engine/rate-limiter';
import { ManualClock } from '../helpers/manual-clock';

const KIB = 1024;
const MIB = 1024 * KIB;

/** Reads `chunk`-byte chunks through the limiter for `ms` of clock time; returns the bytes let through. */
async function readFor(
  clock: ManualClock,
  limits: RateLimiter[],
  chunk: number,
  ms: number,
): Promise<number> {
  let bytes = 0;
  let stop = false;
  const reader = (async () => {
    while (!stop) {
      await paceAll(limits, chunk);
      if (!stop) bytes += chunk;
    }
  })();
  await clock.advance(ms, 5);
  stop = true;
  await clock.advance(1000, 5);
  await reader;
  return bytes;
}

describe('RateLimiter', () => {
  it('lets through no more than its rate, plus a small burst', async () => {
    const clock = new ManualClock();
    const limit = new RateLimiter(clock, 100 * KIB);
    const bytes = await readFor(clock, [limit], 4 * KIB, 10_000);
    expect(bytes).toBeGreaterThanOrEqual(0.98 * 1000 * KIB);
    expect(bytes).toBeLessThanOrEqual(1000 * KIB + 20 * KIB);
  });

  it('does not hold readers back when unlimited', async () => {
    const clock = new ManualClock();
    const limit = new RateLimiter(clock, null);
    expect(limit.bytesPerSecond).toBeNull();
    for (let i = 0; i < 1000; i++) await limit.take(MIB);
    expect(clock.now()).toBe(0);
  });

  it('shares one rate among readers, in the order they asked', async () => {
    const clock = new ManualClock();
    const limit = new RateLimiter(clock, 64 * KIB);
    const order: string[] = [];
    const a = limit.take(64 * KIB).then(() => order.push('a'));
    const b = limit.take(64 * KIB).then(() => order.push('b'));
    await clock.advance(1100, 10);
    expect(order).toEqual(['a']);
    await clock.advance(1000, 10);
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
  });

  it('applies a new rate live, also to a reader already waiting, and lifts it with null', async () => {
    const clock = new ManualClock();
    const limit = new RateLimiter(clock, 10 * KIB);
    let done = false;
    const waiting = limit.take(1000 * KIB).then(() => {
      done = true;
    });
    await clock.advance(1000, 10);
    expect(done).toBe(false);
    limit.setRate(null);
    await clock.advance(300, 10);
    await waiting;
    expect(done).toBe(true);
    limit.setRate(200 * KIB);
    const bytes = await readFor(clock, [limit], 8 * KIB, 5000);
    expect(bytes).toBeGreaterThanOrEqual(0.98 * 1000 * KIB);
    expect(bytes).toBeLessThanOrEqual(1000 * KIB + 40 * KIB);
  });

  it('holds a reader to the strictest of several limits (per download and overall)', async () => {
    const clock = new ManualClock();
    const own = new RateLimiter(clock, 300 * KIB);
    const overall = new RateLimiter(clock, 100 * KIB);
    const bytes = await readFor(clock, [own, overall], 4 * KIB, 10_000);
    expect(bytes).toBeLessThanOrEqual(1000 * KIB + 40 * KIB);
    expect(bytes).toBeGreaterThanOrEqual(0.95 * 1000 * KIB);
  });

  it('rejects a waiting reader when its signal aborts', async () => {
    const clock = new ManualClock();
    const limit = new RateLimiter(clock, KIB);
    const controller = new AbortController();
    const waiting = limit.take(100 * KIB, controller.signal);
    controller.abort(new Error('paused'));
    await expect(waiting).rejects.toThrow('paused');
  });
});
