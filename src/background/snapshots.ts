import { totalLength } from '../engine/ranges';
import type { Progress } from '../engine/types';
import type { Runtime } from '../shared/browser-api';
import { isFinal } from '../shared/job-state';
import type { JobView, Snapshot } from '../shared/job-view';
import { type SegmentMap, segmentMapOf } from '../shared/segment-map';
import { listJobs } from '../store/jobs';
import type { JobRecord, Store } from '../store/schema';
import { listGains } from './gains';
import { listJobLimits } from './job-limits';
import type { LiveJob } from './job-runner';
import { listSkipped } from './skipped';

/** A job's segment map while it has bytes to fetch and a known size. */
function segmentsOf(job: JobRecord, progress: Progress | null): SegmentMap | null {
  const size = progress?.totalBytes ?? job.sizeBytes;
  if (size === null || size <= 0 || isFinal(job.state) || job.state.status === 'completing') return null;
  return segmentMapOf(job.done, progress?.connections ?? [], size);
}

/** At most this often (4 Hz) a snapshot goes to the open popups. */
const INTERVAL_MS = 250;

export async function buildSnapshot(db: Store, live: ReadonlyMap<string, LiveJob>): Promise<Snapshot> {
  const [jobs, skipped, gains, limits] = await Promise.all([
    listJobs(db),
    listSkipped(),
    listGains().catch((): Record<string, number> => ({})),
    listJobLimits().catch((): Record<string, number> => ({})),
  ]);
  // A cancelled job is on its way out: its record goes as soon as its run has stopped.
  const views = jobs
    .filter((job) => job.state.status !== 'cancelled')
    .map((job): JobView => {
      const progress = live.get(job.id)?.progress ?? null;
      return {
        id: job.id,
        url: job.url,
        filename: job.filename,
        sizeBytes: progress?.totalBytes ?? job.sizeBytes,
        doneBytes:
          job.state.status === 'completed'
            ? (job.sizeBytes ?? 0)
            : (progress?.doneBytes ?? totalLength(job.done)),
        speedBytesPerSecond: progress?.speedBytesPerSecond ?? 0,
        etaMs: progress?.etaMs ?? null,
        connections: progress?.connections.filter((c) => c.state !== 'retrying').length ?? 0,
        state: job.state,
        note: job.note,
        warning: job.warning ?? null,
        sha256: job.integrity?.sha256 ?? null,
        expectedSha256: job.expectedSha256 ?? null,
        integrity: job.integrity?.result ?? null,
        integrityNote: job.integrity?.note ?? null,
        segments: segmentsOf(job, progress),
        gain: gains[job.id] ?? null,
        limitBytesPerSecond: limits[job.id] ?? null,
      };
    });
  return { jobs: views.reverse(), skipped };
}

/** The open popups' Ports, each sent a fresh snapshot on connect and then at most every INTERVAL_MS. */
export class SnapshotHub {
  private readonly ports = new Set<Runtime.Port>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dirty = false;

  constructor(private readonly build: () => Promise<Snapshot>) {}

  connect(port: Runtime.Port): void {
    this.ports.add(port);
    port.onDisconnect.addListener(() => this.ports.delete(port));
    void this.send();
  }

  changed(): void {
    if (this.ports.size === 0) return;
    this.dirty = true;
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.dirty) void this.send();
    }, INTERVAL_MS);
  }

  private async send(): Promise<void> {
    this.dirty = false;
    const snapshot = await this.build().catch(() => null);
    if (!snapshot) return;
    for (const port of this.ports) {
      try {
        port.postMessage(snapshot);
      } catch {
        this.ports.delete(port);
      }
    }
  }
}
