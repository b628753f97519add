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
      const sleeper = { atMs: this.nowMs + ms, wake: resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(signal.reason);
        },
        { once: true },
      );
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
