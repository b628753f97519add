import type { Clock, SpeedLimit } from './types';

/** Longest single wait: a rate changed meanwhile (or lifted) takes effect within this. */
const MAX_WAIT_MS = 200;
/** Bytes that may pass at once after an idle spell: this many seconds at the current rate. */
const BURST_SECONDS = 0.1;
const MIN_BURST_BYTES = 16 * 1024;

/**
 * A speed limit, enforced by pacing reads: whoever reads `bytes` calls `take(bytes)` and is held back until the
 * limit allows them. Readers are served in the order they asked (each gets a place in one budget line), so
 * connections sharing a limit share it fairly. `setRate` applies live, also to readers already waiting; `null`
 * lifts the limit.
 *
 * Pacing reads (not requests) is what makes it work over TCP: an unread socket fills its window and the server
 * slows down to what is read.
 */
export class RateLimiter implements SpeedLimit {
  private rate: number | null;
  /** Bytes readers have asked for, waiting ones included. */
  private taken = 0;
  /** Bytes the limit has let through so far (plus a small burst allowance). */
  private granted = 0;
  private lastMs: number;

  constructor(
    private readonly clock: Clock,
    bytesPerSecond: number | null = null,
  ) {
    this.rate = normalise(bytesPerSecond);
    this.lastMs = clock.now();
  }

  /** Bytes per second, or null when unlimited. */
  get bytesPerSecond(): number | null {
    return this.rate;
  }

  setRate(bytesPerSecond: number | null): void {
    this.refill();
    const rate = normalise(bytesPerSecond);
    // From unlimited, the new limit starts now: nothing owed, nothing saved up.
    if (this.rate === null) this.granted = this.taken;
    this.rate = rate;
  }

  /** Resolves once `bytes` more may be read; rejects with the signal's reason when it aborts first. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    this.refill();
    this.taken += bytes;
    const place = this.taken;
    if (this.rate === null) {
      this.granted = Math.max(this.granted, this.taken);
      return;
    }
    while (this.rate !== null && this.granted < place) {
      const waitMs = ((place - this.granted) / this.rate) * 1000;
      await this.clock.sleep(Math.min(Math.max(waitMs, 1), MAX_WAIT_MS), signal);
      this.refill();
    }
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsedMs = Math.max(0, now - this.lastMs);
    this.lastMs = now;
    if (this.rate === null) {
      this.granted = this.taken;
      return;
    }
    const burst = Math.max(MIN_BURST_BYTES, this.rate * BURST_SECONDS);
    this.granted = Math.min(this.granted + (this.rate * elapsedMs) / 1000, this.taken + burst);
  }
}

function normalise(bytesPerSecond: number | null): number | null {
  return bytesPerSecond !== null && Number.isFinite(bytesPerSecond) && bytesPerSecond > 0
    ? bytesPerSecond
    : null;
}

/** Holds a reader back until every limit in `limits` allows `bytes` (e.g. the download's own and an overall one). */
export async function paceAll(
  limits: readonly SpeedLimit[],
  bytes: number,
  signal?: AbortSignal,
): Promise<void> {
  for (const limit of limits) await limit.take(bytes, signal);
}
