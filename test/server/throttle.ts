import { setTimeout as sleep } from 'node:timers/promises';

// Fifty writes a second keeps each write large (cheap at 64 MiB/s) while the stream still looks smooth.
const WRITES_PER_SECOND = 50;
const MIN_WRITE_BYTES = 16 * 1024;

/**
 * A token bucket for one connection. It keeps a virtual clock of when the next byte may leave rather than
 * sleeping a fixed time per write: timers fire late by a millisecond or so, and the bucket's credit (one write's
 * worth) pays that back, so the long-run rate stays exact instead of drifting a few percent slow.
 */
export class Pacer {
  readonly bytesPerSecond: number;
  /** The write size that matches the rate: about fifty writes a second. */
  readonly writeBytes: number;
  private readonly burstMs: number;
  private nextSendAtMs: number;

  /** `writeSeconds`: how much of the rate each write carries (default a fiftieth of a second). */
  constructor(bytesPerSecond: number, writeSeconds = 1 / WRITES_PER_SECOND) {
    if (!(bytesPerSecond > 0)) throw new RangeError(`bytesPerSecond must be positive, got ${bytesPerSecond}`);
    this.bytesPerSecond = bytesPerSecond;
    this.writeBytes = Math.max(MIN_WRITE_BYTES, Math.round(bytesPerSecond * writeSeconds));
    this.burstMs = (this.writeBytes * 1000) / bytesPerSecond;
    this.nextSendAtMs = performance.now();
  }

  /** Waits until `bytes` may be sent. Rejects with an AbortError when the signal fires (the client left). */
  async take(bytes: number, signal: AbortSignal): Promise<void> {
    const nowMs = performance.now();
    // Credit for idle time is capped at one write, or a connection idle between requests would burst.
    const sendAtMs = Math.max(this.nextSendAtMs, nowMs - this.burstMs);
    this.nextSendAtMs = sendAtMs + (bytes * 1000) / this.bytesPerSecond;
    if (sendAtMs > nowMs) await sleep(sendAtMs - nowMs, undefined, { signal });
  }
}
