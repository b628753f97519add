import type { Clock } from '../../src/engine/types';

/** A clock that moves only when told: `advance` fires the sleeps that fall due, in order. */
export class ManualClock implements Clock {
  private nowMs = 0;
  private sleepers: { atMs: number; wake: () => void }[] = [];

  now(): number {
    return this.nowMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      // A sleep that ends lets go of the signal: long-lived signals do not collect a listener per sleep.
      const sleeper = {
        atMs: this.nowMs + ms,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Moves time forward by `ms` in small steps, letting woken code run between them. */
  async advance(ms: number, stepMs = 1): Promise<void> {
    const end = this.nowMs + ms;
    while (this.nowMs < end) {
      this.nowMs = Math.min(end, this.nowMs + stepMs);
      const due = this.sleepers.filter((s) => s.atMs <= this.nowMs);
      this.sleepers = this.sleepers.filter((s) => s.atMs > this.nowMs);
      for (const s of due) s.wake();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    }
  }
}

/**
 * Drives `clock` a millisecond at a time until `work` settles (or `maxMs` of clock time pass), letting everything
 * woken at each instant run to completion first: a macrotask turn drains every microtask, so what happens at an
 * instant does not depend on how many awaits the code under test takes.
 */
export async function runSettled<T>(clock: ManualClock, work: Promise<T>, maxMs: number): Promise<T> {
  let settled = false;
  const tracked = work.finally(() => {
    settled = true;
  });
  tracked.catch(() => {});
  const end = clock.now() + maxMs;
  while (!settled && clock.now() < end) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await clock.advance(1);
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (!settled) throw new Error(`still running after ${maxMs} ms of clock time`);
  return tracked;
}
