import { SpeedMeter } from './speed-meter';
import type { ConnectionProgress, Progress } from './types';

/** A download's progress: bytes done (stored before this session too), received in this session, speed. */
export class DownloadProgress {
  private readonly meter = new SpeedMeter();
  /** Bytes of the file held, from earlier sessions included. */
  doneBytes = 0;
  /** Bytes received in this session. */
  receivedBytes = 0;
  totalBytes: number | null = null;

  /** Bytes stored just now. */
  add(bytes: number, nowMs: number): void {
    this.doneBytes += bytes;
    this.receivedBytes += bytes;
    this.meter.add(bytes, nowMs);
  }

  report(nowMs: number, connections: ConnectionProgress[]): Progress {
    const speed = this.meter.rate(nowMs);
    const left = this.totalBytes === null ? null : this.totalBytes - this.doneBytes;
    return {
      doneBytes: this.doneBytes,
      totalBytes: this.totalBytes,
      speedBytesPerSecond: speed,
      etaMs: left !== null && speed > 0 ? (left / speed) * 1000 : null,
      connections,
    };
  }
}
