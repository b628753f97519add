import { sanitizeFilename } from '../engine/filename';
import type { HostPool } from '../engine/host-pool';
import type { RateLimiter } from '../engine/rate-limiter';
import type { Downloads } from '../shared/browser-api';
import { errorText } from '../shared/error-text';
import { t } from '../shared/i18n';
import { serializeError } from '../shared/job-state';
import type { Settings } from '../shared/settings';
import { settingsForSite } from '../shared/site-settings';
import { deleteOrphanPieces } from '../store/pieces';
import type { JobId, JobRecord, Store } from '../store/schema';
import { type BrowserDownloads, HandOff } from './hand-off';
import { allowsUrl } from './intercept';
import { storeJobLimit } from './job-limits';
import { JobRecords, type NewJob } from './job-records';
import { type LiveJob, type RunOutcome, runJob } from './job-runner';
import { addRefererRule, clearRefererRules, removeRefererRule } from './referer';
import { Saver } from './saver';
import { type StopReason, stopRun } from './stop-reason';

export interface ManagerDeps {
  settings: () => Promise<Settings>;
  /** Something users can see changed (state, progress, notes). */
  onChange: () => void;
  /** The browser's own downloader, for downloads the engine cannot do. */
  browser: BrowserDownloads;
  /** Connections per host and speed limits, shared by all jobs. */
  traffic: TrafficControl;
}

/** What the manager needs of the shared traffic controls (see traffic.ts). */
export interface TrafficControl {
  hostPool(): Promise<HostPool>;
  limitsFor(jobId: JobId): RateLimiter[];
  release(jobId: JobId): void;
  /** Absent in tests that need no per-job limits. */
  setJobLimit?(jobId: JobId, bytesPerSecond: number | null): void;
}

/**
 * The queue: at most `concurrentDownloads` jobs fetch at once, in the order they were added. It decides what
 * happens to a job; job-records.ts writes it, saver.ts saves the file, hand-off.ts gives a job back.
 */
export class JobManager {
  readonly live = new Map<JobId, LiveJob>();
  private readonly records: JobRecords;
  private readonly saver: Saver;
  private readonly handOff: HandOff;
  private pumping: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Store,
    private readonly deps: ManagerDeps,
  ) {
    this.records = new JobRecords(db, deps.onChange);
    this.saver = new Saver(db, this.records, (id) => this.pauseForBrowser(id));
    this.handOff = new HandOff(this.records, deps.browser);
  }

  /** True while the worker must stay awake. */
  get busy(): boolean {
    return this.live.size > 0 || this.saver.busy;
  }

  async add(input: NewJob): Promise<JobId> {
    const id = await this.records.create(input);
    await this.pump();
    return id;
  }

  /** A new browser download of a link a paused job is waiting for: that job continues (true). */
  async adopt(link: { url: string; originalUrl: string; sizeBytes: number }): Promise<boolean> {
    const job = await this.records.adoptLink(link);
    if (job) await this.pump();
    return job !== null;
  }

  /** The browser chose the job's file name. */
  rename(id: JobId, name: string): Promise<void> {
    return this.records.rename(id, sanitizeFilename(name));
  }

  /** The SHA-256 the user expects of the job's file (null: none); the save holds the file to it. */
  async expectSha256(id: JobId, sha256: string | null): Promise<void> {
    await this.records.expectSha256(id, sha256);
  }

  /** The job's own speed limit from the popup (0: none; null: the per-download setting), applied live. */
  async setLimit(id: JobId, bytesPerSecond: number | null): Promise<void> {
    await storeJobLimit(id, bytesPerSecond);
    this.deps.traffic.setJobLimit?.(id, bytesPerSecond);
    this.deps.onChange();
  }

  async pause(id: JobId): Promise<void> {
    if (await this.records.apply(id, { type: 'pause' })) this.stopLive(id, { kind: 'pause' });
  }

  /** The user cancelled the job's save in the browser: the job pauses (its pieces stay) and says why. */
  private async pauseForBrowser(id: JobId): Promise<void> {
    if (!(await this.records.apply(id, { type: 'pause' }))) return;
    this.stopLive(id, { kind: 'pause' });
    await this.records.note(id, t('note_save_cancelled'));
  }

  /** Stops the job's run, if it has one (true). */
  private stopLive(id: JobId, reason: StopReason): boolean {
    const live = this.live.get(id);
    if (live) stopRun(live.controller, reason);
    return live !== undefined;
  }

  async resume(id: JobId): Promise<void> {
    // Why it was paused no longer holds: a job that waited for a fresh link tries its link again.
    if (!(await this.records.apply(id, { type: 'resume' }, { note: null, waitingForLink: false }))) return;
    await this.pump();
  }

  async retry(id: JobId): Promise<void> {
    // The file is hashed again as it is saved again.
    const job = await this.records.apply(id, { type: 'retry' }, { integrity: null });
    if (!job) return;
    // Starting from zero: no byte a warning spoke of is kept.
    if (job.done.length === 0 && job.warning) await this.records.warn(id, null);
    await this.pump();
  }

  /** Stops a job and forgets it: its pieces and its record (a running job's once its run has stopped). */
  async cancel(id: JobId): Promise<void> {
    const before = await this.records.get(id);
    if (!before || !(await this.records.apply(id, { type: 'cancel' }))) return;
    if (this.stopLive(id, { kind: 'cancel' })) return; // the run's end deletes the job (see settle)
    await this.saver.cancel(before);
    await this.forget(id);
  }

  /** Forgets a job that is not active (its pieces too). */
  async remove(id: JobId): Promise<void> {
    const job = await this.records.get(id);
    if (!job || this.live.has(id) || job.state.status === 'completing') return;
    if (job.state.status === 'queued') return;
    await this.records.delete(id);
  }

  onDownloadChanged(delta: Downloads.OnChangedDownloadDeltaType): Promise<void> {
    return this.saver.onChanged(delta);
  }

  /** The save URLs' side (src/platform/types.ts SaveEndpoints): their files, and the downloads they became. */
  get saves(): Pick<Saver, 'respond' | 'collect' | 'onCreated'> {
    return this.saver;
  }

  /**
   * After the worker (re)starts (termination, update, browser restart): jobs it was fetching go back to the
   * queue and resume from their stored pieces, paused ones stay paused, saves under way are picked up or
   * started again, a hand-back whose browser download never started is made again (once), cancelled jobs
   * are deleted, and so are pieces no unfinished job owns and Referer rules left by runs that died.
   */
  async restore(): Promise<void> {
    await deleteOrphanPieces(this.db);
    await clearRefererRules().catch(() => {});
    for (const job of await this.records.list()) {
      const { status } = job.state;
      // Save streams die with the worker: the saver sorts out the saves left (see Saver.restore). A running
      // job goes back to the queue unless its save already holds the whole file.
      const saving = await this.saver.restore(job);
      if (status === 'running' && saving === null) await this.records.apply(job.id, { type: 'interrupted' });
      // Cancelled while its run was stopping, and the worker stopped before the run's end deleted it.
      if (status === 'cancelled') await this.forget(job.id);
      // Not awaited: the browser's reports of the save reach this worker only once restore has returned.
      if (saving === 'save') void this.save(job);
      if (status === 'handed-to-browser') await this.handOff.restore(job);
    }
    await this.pump();
  }

  /** Starts queued jobs while there are free slots. Serialised, so two pumps never start the same job. */
  pump(): Promise<void> {
    this.pumping = this.pumping.then(() => this.startQueued()).catch(() => {});
    return this.pumping;
  }

  private async startQueued(): Promise<void> {
    const settings = await this.deps.settings();
    for (const job of await this.records.list()) {
      if (this.live.size >= settings.concurrentDownloads) break;
      if (job.state.status !== 'queued') continue;
      const started = await this.records.apply(job.id, { type: 'start' });
      if (!started) continue;
      const live: LiveJob = { controller: new AbortController(), progress: null };
      this.live.set(job.id, live);
      void this.run(started, live, settings);
    }
    this.deps.onChange();
  }

  private async run(job: JobRecord, live: LiveJob, settings: Settings): Promise<void> {
    const urls = [job.url, job.originalUrl ?? job.url];
    await addRefererRule(job.id, urls, job.referrer).catch(() => {});
    const { traffic } = this.deps;
    const outcome = await runJob(this.db, job, live, {
      // A site rule's connections replace the general setting for that site's jobs.
      maxConnections: settingsForSite(settings, [job.originalUrl ?? job.url, job.url]).connectionsPerDownload,
      // Excluded domains hold for every URL of the job: a renewed link too.
      allowUrl: (url) => allowsUrl(url, settings),
      pool: await traffic.hostPool(),
      limits: traffic.limitsFor(job.id),
      recordFile: (remote) => this.records.recordFile(job.id, remote),
      onProgress: this.deps.onChange,
      onNote: (note) => void this.records.note(job.id, note),
      onWarning: (warning) => void this.records.warn(job.id, warning),
      // The save opens as soon as the file is known (src/platform/): where saves stream, the browser writes the
      // file while the rest is fetched; elsewhere the pieces are hashed as they arrive.
      onBegin: (remote) => void this.saver.begin(job.id, remote).catch(() => {}),
    });
    if (outcome.kind !== 'fetched') await this.saver.drop(job.id);
    await removeRefererRule(job.id);
    traffic.release(job.id);
    this.live.delete(job.id);
    try {
      await this.settle(job.id, outcome);
    } finally {
      this.deps.onChange();
      void this.pump();
    }
  }

  private async settle(id: JobId, outcome: RunOutcome): Promise<void> {
    switch (outcome.kind) {
      case 'fetched': {
        const job = await this.records.apply(id, { type: 'fetched' });
        if (job) await this.save(job);
        return;
      }
      case 'stopped':
        if ((await this.records.get(id))?.state.status === 'cancelled') await this.forget(id);
        return;
      case 'no-ranges':
        return this.handBack(id, t('reason_no_ranges'));
      case 'no-space':
        // The stored pieces stay; resume (once space is freed) continues from them. The note rides in the
        // pause's own write: no snapshot shows the job paused under the run's last note.
        await this.records.apply(id, { type: 'pause' }, { note: t('note_paused', outcome.message) });
        return;
      case 'link-expired': {
        // Nothing stored: the browser's own download of the link gets its chance, as for any failure.
        if ((await this.records.get(id))?.done.length === 0)
          return this.handBack(id, t('reason_link_expired', outcome.message));
        // The pieces stay; the same download started again from its page brings a fresh link (adopt).
        const note = t('note_paused_link_expired', outcome.message);
        await this.records.apply(id, { type: 'pause' }, { waitingForLink: true, note });
        return;
      }
      case 'failed': {
        const job = await this.records.get(id);
        const error = serializeError(outcome.error);
        // Nothing stored yet: the browser's own downloader gets its chance, once.
        if (job && job.done.length === 0)
          return this.handBack(id, t('reason_accelerated_failed', errorText(error)));
        await this.records.apply(id, { type: 'fail', error });
        return;
      }
      default: {
        const _exhaustive: never = outcome;
        return _exhaustive;
      }
    }
  }

  /** Deletes a cancelled job: its record, its pieces, and any Referer rule it still has. */
  private async forget(id: JobId): Promise<void> {
    await removeRefererRule(id);
    await this.records.delete(id);
  }

  private async save(job: JobRecord): Promise<void> {
    try {
      await this.saver.save(job);
    } catch (error) {
      await this.records.apply(job.id, { type: 'fail', error: serializeError(error) });
    }
  }

  private async handBack(id: JobId, reason: string): Promise<void> {
    const job = await this.records.apply(
      id,
      { type: 'hand-back', reason },
      { handOff: { downloadId: null, tries: 1 } },
    );
    if (!job) return;
    await this.records.clearPieces(id);
    await this.handOff.start(job);
  }
}
