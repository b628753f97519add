import { t } from '../shared/i18n';
import type { JobId, JobRecord } from '../store/schema';
import type { JobRecords } from './job-records';

/** The initial call and one more after a worker restart: a call that keeps failing is not repeated forever. */
export const MAX_HAND_OFF_TRIES = 2;

/** The browser's own downloader, as the hand-off sees it (chrome.downloads in the worker, fakes in tests). */
export interface BrowserDownloads {
  /** Starts the browser's download of `url`; resolves to its id. */
  start(url: string): Promise<number>;
  /** A download of `url` the browser started at or after `sinceMs`, if any. */
  find(url: string, sinceMs: number): Promise<number | null>;
}

/**
 * Gives jobs back to the browser's own downloader (state `handed-to-browser`, recorded with `handOff` before
 * the call) and records the browser's download id once the call resolves. A worker that stopped between the
 * two finds, on restart, either the download the browser did start, or calls once more. In one worker
 * lifetime a job is handed off at most once.
 */
export class HandOff {
  private readonly called = new Set<JobId>();

  constructor(
    private readonly records: JobRecords,
    private readonly browser: BrowserDownloads,
  ) {}

  /** Calls the browser for a job that was just handed back. */
  async start(job: JobRecord): Promise<void> {
    if (this.called.has(job.id)) return;
    this.called.add(job.id);
    await this.call(job);
  }

  /** After the worker (re)starts: completes a hand-off whose download id was never recorded. */
  async restore(job: JobRecord): Promise<void> {
    if (job.state.status !== 'handed-to-browser' || job.handOff?.downloadId !== null) return;
    if (this.called.has(job.id)) return;
    this.called.add(job.id);
    // The call may have reached the browser before the worker stopped: then its download is already there.
    const found = await this.browser.find(linkOf(job), job.createdAt).catch(() => null);
    if (found !== null) return this.records.recordHandOff(job.id, found);
    const again = await this.records.countHandOffTry(job.id, MAX_HAND_OFF_TRIES);
    if (again) await this.call(again);
  }

  private async call(job: JobRecord): Promise<void> {
    try {
      await this.records.recordHandOff(job.id, await this.browser.start(linkOf(job)));
    } catch (error) {
      await this.records.note(job.id, t('note_browser_refused', String(error)));
    }
  }
}

/** The browser gets the link itself (before redirects): a signed URL it resolved to may have expired. */
function linkOf(job: JobRecord): string {
  return job.originalUrl ?? job.url;
}
