import { HostPool } from '../engine/host-pool';
import { RateLimiter } from '../engine/rate-limiter';
import { browser } from '../shared/browser-api';
import type { Settings } from '../shared/settings';
import { systemClock } from '../shared/system-clock';
import { listJobLimits } from './job-limits';

/** browser.storage.local key of the connection caps hosts have taught (429/503/refusals), by host. */
export const LEARNED_CAPS_KEY = 'learnedHostCaps';
/** Chromium opens at most 6 connections per host over HTTP/1.1 (docs/platform.md fact 3): more would only queue. */
export const BROWSER_MAX_PER_HOST = 6;

/**
 * What all jobs share on the wire: one pool of connections per host (capped at the browser's 6, lower where a
 * host has said so, remembered across sessions), the overall speed limit, and each job's own limit. Settings
 * apply live, also to jobs under way.
 */
export class Traffic {
  readonly overall = new RateLimiter(systemClock, null);
  private readonly perJob = new Map<string, RateLimiter>();
  private perDownload: number | null = null;
  /** Jobs' own limits set in the popup (0: none), over the per-download setting; loaded from session storage. */
  private readonly own = new Map<string, number>();
  private pool: Promise<HostPool> | null = null;

  /** The shared host pool, with the caps learned in earlier sessions. */
  hostPool(): Promise<HostPool> {
    this.pool ??= browser.storage.local
      .get(LEARNED_CAPS_KEY)
      .catch(() => ({}) as Record<string, unknown>)
      .then((stored) => {
        const learned = stored[LEARNED_CAPS_KEY];
        const pool: HostPool = new HostPool({
          maxPerHost: BROWSER_MAX_PER_HOST,
          learned: isCaps(learned) ? learned : {},
          onLearned: () => void browser.storage.local.set({ [LEARNED_CAPS_KEY]: pool.learnedCaps() }),
        });
        return pool;
      });
    return this.pool;
  }

  apply(settings: Settings): void {
    this.overall.setRate(settings.overallLimitBytesPerSecond || null);
    this.perDownload = settings.perDownloadLimitBytesPerSecond || null;
    for (const [jobId, limiter] of this.perJob) limiter.setRate(this.rateFor(jobId));
  }

  /** The limits a job's reads are paced by: its own, then the overall one. */
  limitsFor(jobId: string): RateLimiter[] {
    let own = this.perJob.get(jobId);
    if (!own) {
      own = new RateLimiter(systemClock, this.rateFor(jobId));
      this.perJob.set(jobId, own);
      // A limit set before the worker restarted: applied as soon as it is read.
      void listJobLimits().then(
        (limits) => {
          const stored = limits[jobId];
          if (stored !== undefined && !this.own.has(jobId)) this.setJobLimit(jobId, stored);
        },
        () => {},
      );
    }
    return [own, this.overall];
  }

  /** A job's own limit (bytes per second, 0 for none; null: the per-download setting), live. */
  setJobLimit(jobId: string, bytesPerSecond: number | null): void {
    if (bytesPerSecond === null) this.own.delete(jobId);
    else this.own.set(jobId, bytesPerSecond);
    this.perJob.get(jobId)?.setRate(this.rateFor(jobId));
  }

  private rateFor(jobId: string): number | null {
    const own = this.own.get(jobId);
    return own === undefined ? this.perDownload : own || null;
  }

  /** The job stopped: its own limiter goes. */
  release(jobId: string): void {
    this.perJob.delete(jobId);
  }
}

function isCaps(value: unknown): value is Record<string, number> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((cap) => Number.isInteger(cap) && (cap as number) >= 1)
  );
}
