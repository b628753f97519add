import type { HostPool } from '../engine/host-pool';
import type { RateLimiter } from '../engine/rate-limiter';
import { type JobEvent, serializeError, transition } from '../shared/job-state';
import type { Settings } from '../shared/settings';
import { deleteJob, getJob, listJobs, putJob, updateJob } from '../store/jobs';
import { clearPieces, deleteOrphanPieces } from '../store/pieces';
import { type JobId, type JobRecord, newJobId, type Store } from '../store/schema';
import { type BrowserDownloads, HandOff } from './hand-off';
import { type LiveJob, runJob } from './job-runner';
import { addRefererRule, clearRefererRules, removeRefererRule } from './referer';
import { Saver } from './saver';

/**
 * Applies one state-machine event to a stored job, with `patch` written in the same transaction when it is
 * accepted; resolves to the updated job, or null if not accepted.
 */
export type ApplyEvent = (
  id: JobId,
  event: JobEvent,
  patch?: Partial<JobRecord>,
) => Promise<JobRecord | null>;

export interface NewJob {
  url: string;
  referrer: string | null;
  origin: JobRecord['origin'];
  filename: string;
  sizeBytes: number | null;
}

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
}

/** The queue: at most `concurrentDownloads` jobs fetch at once, in the order they were added. */
export class JobManager {
  readonly live = new Map<JobId, LiveJob>();
  private readonly saver: Saver;
  private readonly handOff: HandOff;
  private pumping: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Store,
    private readonly deps: ManagerDeps,
  ) {
    this.saver = new Saver(db, this.apply, (id) => this.pauseForBrowser(id));
    this.handOff = new HandOff(db, deps.browser, deps.onChange);
  }

  /** True while the worker must stay awake. */
  get busy(): boolean {
    return this.live.size > 0 || this.saver.busy;
  }

  readonly apply: ApplyEvent = async (id, event, patch = {}) => {
    let accepted = false;
    const job = await updateJob(this.db, id, (current) => {
      const state = transition(current.state, event);
      accepted = state !== null;
      return state ? { ...current, ...patch, state } : null;
    });
    if (accepted) this.deps.onChange();
    return accepted && job ? job : null;
  };

  async add(input: NewJob): Promise<JobId> {
    const id = newJobId();
    await putJob(this.db, {
      ...input,
      id,
      createdAt: Date.now(),
      state: { status: 'queued' },
      remote: null,
      done: [],
      note: null,
      warning: null,
    });
    this.deps.onChange();
    await this.pump();
    return id;
  }

  async pause(id: JobId): Promise<void> {
    if (await this.apply(id, { type: 'pause' })) this.live.get(id)?.controller.abort('pause');
  }

  /** The user cancelled the job's save in the browser: the job pauses (its pieces stay) and says why. */
  private async pauseForBrowser(id: JobId): Promise<void> {
    if (!(await this.apply(id, { type: 'pause' }))) return;
    this.live.get(id)?.controller.abort('pause');
    await this.note(id, "Paused: its download was cancelled in the browser's downloads list");
  }

  async resume(id: JobId): Promise<void> {
    if (!(await this.apply(id, { type: 'resume' }))) return;
    await this.note(id, null); // why it was paused no longer holds
    await this.pump();
  }

  async retry(id: JobId): Promise<void> {
    const job = await this.apply(id, { type: 'retry' });
    if (!job) return;
    // Starting from zero: no byte a warning spoke of is kept.
    if (job.done.length === 0 && job.warning) await updateJob(this.db, id, (j) => ({ ...j, warning: null }));
    await this.pump();
  }

  /** Stops a job and forgets it: its pieces and its record (a running job's once its run has stopped). */
  async cancel(id: JobId): Promise<void> {
    const before = await getJob(this.db, id);
    if (!before || !(await this.apply(id, { type: 'cancel' }))) return;
    const live = this.live.get(id);
    if (live) {
      live.controller.abort('cancel'); // the run's end deletes the job (see settle)
      return;
    }
    await this.saver.cancel(before);
    await this.forget(id);
  }

  /** Forgets a job that is not active (its pieces too). */
  async remove(id: JobId): Promise<void> {
    const job = await getJob(this.db, id);
    if (!job || this.live.has(id) || job.state.status === 'completing') return;
    if (job.state.status === 'queued') return;
    await deleteJob(this.db, id);
    this.deps.onChange();
  }

  onDownloadChanged(delta: chrome.downloads.DownloadDelta): Promise<void> {
    return this.saver.onChanged(delta);
  }

  /** downloads.onCreated for one of the worker's save URLs. */
  onSaveCreated(item: { id: number; url: string }): void {
    this.saver.onCreated(item);
  }

  /** The worker's fetch handler for save URLs. */
  respondToSave(request: Request): Response {
    return this.saver.respond(request);
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
    for (const job of await listJobs(this.db)) {
      const { status } = job.state;
      if (status === 'running') await this.apply(job.id, { type: 'interrupted' });
      // Cancelled while its run was stopping, and the worker stopped before the run's end deleted it.
      if (status === 'cancelled') await this.forget(job.id);
      // Save streams die with the worker: a save under way is cancelled, a completing job saves again.
      if (!(await this.saver.restore(job)) && status === 'completing') await this.save(job);
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
    for (const job of await listJobs(this.db)) {
      if (this.live.size >= settings.concurrentDownloads) break;
      if (job.state.status !== 'queued') continue;
      const started = await this.apply(job.id, { type: 'start' });
      if (!started) continue;
      const live: LiveJob = { controller: new AbortController(), progress: null };
      this.live.set(job.id, live);
      void this.run(started, live, settings.connectionsPerDownload);
    }
    this.deps.onChange();
  }

  private async run(job: JobRecord, live: LiveJob, maxConnections: number): Promise<void> {
    await addRefererRule(job.id, job.url, job.referrer).catch(() => {});
    const { traffic } = this.deps;
    const outcome = await runJob(this.db, job, live, {
      maxConnections,
      pool: await traffic.hostPool(),
      limits: traffic.limitsFor(job.id),
      onProgress: this.deps.onChange,
      onNote: (note) => void this.note(job.id, note),
      onWarning: (warning) => void this.warn(job.id, warning),
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

  private async settle(id: JobId, outcome: Awaited<ReturnType<typeof runJob>>): Promise<void> {
    switch (outcome.kind) {
      case 'fetched': {
        const job = await this.apply(id, { type: 'fetched' });
        if (job) await this.save(job);
        return;
      }
      case 'stopped':
        if ((await getJob(this.db, id))?.state.status === 'cancelled') await this.forget(id);
        return;
      case 'no-ranges':
        return this.handBack(id, 'the server does not support byte ranges');
      case 'no-space':
        // The stored pieces stay; resume (once space is freed) continues from them.
        if (await this.apply(id, { type: 'pause' })) await this.note(id, `Paused: ${outcome.message}`);
        return;
      case 'failed': {
        const job = await getJob(this.db, id);
        const error = serializeError(outcome.error);
        // Nothing stored yet: the browser's own downloader gets its chance, once.
        if (job && job.done.length === 0)
          return this.handBack(id, `the accelerated download failed: ${error.message}`);
        await this.apply(id, { type: 'fail', error });
        return;
      }
      default: {
        const _exhaustive: never = outcome;
        return _exhaustive;
      }
    }
  }

  private async note(id: JobId, note: string | null): Promise<void> {
    await updateJob(this.db, id, (j) => ({ ...j, note }));
    this.deps.onChange();
  }

  private async warn(id: JobId, warning: string): Promise<void> {
    await updateJob(this.db, id, (j) => ({ ...j, warning }));
    this.deps.onChange();
  }

  /** Deletes a cancelled job: its record, its pieces, and any Referer rule it still has. */
  private async forget(id: JobId): Promise<void> {
    await removeRefererRule(id);
    await deleteJob(this.db, id);
    this.deps.onChange();
  }

  private async save(job: JobRecord): Promise<void> {
    try {
      await this.saver.save(job);
    } catch (error) {
      await this.apply(job.id, { type: 'fail', error: serializeError(error) });
    }
  }

  private async handBack(id: JobId, reason: string): Promise<void> {
    const job = await this.apply(
      id,
      { type: 'hand-back', reason },
      { handOff: { downloadId: null, tries: 1 } },
    );
    if (!job) return;
    await clearPieces(this.db, id);
    await this.handOff.start(job);
  }
}
