import type { Progress } from '../engine/types';

/**
 * How many times one connection's speed a download went, from the engine's own figures: the download's
 * speed averaged over the time bytes flowed, divided by one connection's. One connection's speed is the
 * take-over probe's timing of a single connection when there was one (measured alone, so a bottleneck the
 * connections share shows as no gain), else the median of the receiving connections' speeds, averaged the
 * same way. Pure: the caller passes the time.
 */
const MIN_MEASURED_MS = 1_000;

export class GainMeter {
  private lastMs: number | null = null;
  private measuredMs = 0;
  private overall = 0;
  private single = 0;

  constructor(private readonly probedBytesPerSecond: number | null = null) {}

  sample(progress: Progress, nowMs: number): void {
    const speeds = progress.connections
      .filter((c) => c.state === 'receiving' && c.speedBytesPerSecond > 0)
      .map((c) => c.speedBytesPerSecond);
    const dt = this.lastMs === null ? 0 : Math.max(0, nowMs - this.lastMs);
    this.lastMs = nowMs;
    if (speeds.length === 0 || progress.speedBytesPerSecond <= 0 || dt === 0) return;
    this.measuredMs += dt;
    this.overall += progress.speedBytesPerSecond * dt;
    this.single += median(speeds) * dt;
  }

  /** The gain, or null when too little was measured to say. */
  result(): number | null {
    if (this.measuredMs < MIN_MEASURED_MS) return null;
    const overall = this.overall / this.measuredMs;
    const single = this.probedBytesPerSecond || this.single / this.measuredMs;
    return single > 0 ? overall / single : null;
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
