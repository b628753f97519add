/**
 * Throughput over a sliding window. A window (rather than an average since start) makes the rate follow
 * a connection that slows down, which is what splitting and time-left estimates need.
 */
export class SpeedMeter {
  private readonly samples: { atMs: number; totalBytes: number }[] = [];
  private totalBytes = 0;

  constructor(
    private readonly windowMs = 3000,
    private readonly bucketMs = 100,
  ) {}

  add(bytes: number, nowMs: number): void {
    this.totalBytes += bytes;
    const last = this.samples[this.samples.length - 1];
    if (last && nowMs - last.atMs < this.bucketMs) {
      last.totalBytes = this.totalBytes;
    } else {
      this.samples.push({ atMs: nowMs, totalBytes: this.totalBytes });
    }
    this.trim(nowMs);
  }

  /** Bytes per second over the window; 0 until two samples exist. */
  rate(nowMs: number): number {
    this.trim(nowMs);
    const first = this.samples[0];
    if (!first) return 0;
    const elapsedMs = Math.max(nowMs - first.atMs, this.bucketMs);
    return ((this.totalBytes - first.totalBytes) * 1000) / elapsedMs;
  }

  private trim(nowMs: number): void {
    // Keep one sample older than the window as the baseline the rate is measured from.
    while (this.samples.length > 1 && nowMs - (this.samples[1]?.atMs ?? nowMs) >= this.windowMs) {
      this.samples.shift();
    }
  }
}
