import { totalLength } from '../engine/ranges';
import type { RemoteFile } from '../engine/types';
import { browser, type Downloads } from '../shared/browser-api';
import { t } from '../shared/i18n';
import { serializeError } from '../shared/job-state';
import { sameFile } from '../store/piece-reader';
import type { JobId, JobRecord, Store } from '../store/schema';
import { fileSeal } from './file-check';
import type { JobRecords } from './job-records';
import { closeDocument, createdAtEnd, openSave } from './offscreen-client';
import { type CreatedWaiters, whenCreated } from './save-created';
import { discard, discardUnfinished, removeAndErase, sortEarlierSaves } from './save-downloads';
import {
  adopted,
  downloadIdOf,
  OPENING,
  type SaveEvent,
  type SaveState,
  type SaveStep,
  transition,
} from './save-state';
import { SaveStreams } from './save-streams';

/** How long the browser may take to turn a save stream into a download before the save counts as failed. */
const START_TIMEOUT_MS = 20_000;
/**
 * Where the download is created only once the file is whole and hashed (src/platform/types.ts 'at-end'), the
 * wait starts when every byte is stored and allows the hash of the whole file at this slowest rate on top.
 */
const SLOWEST_HASH_BYTES_PER_MS = 4 * 1024;

/** One browser download fed by a save stream. */
interface Save {
  jobId: JobId;
  url: string;
  remote: RemoteFile;
  state: SaveState;
  /** The browser's download id, once it has created the download; rejects if it never does. */
  started: Promise<number>;
  /** Starts the wait for the browser's download ('at-end' saves wait only once every byte is stored). */
  arm(timeoutMs: number): void;
}

/**
 * The browser's save of a job's file. It starts as soon as the file is known (`begin`): the worker streams
 * the stored pieces in file order as they arrive, so the browser writes the file while the rest is fetched
 * and the last piece costs one piece's copy, not the whole file's. When the job has every byte (`save`),
 * the save under way is kept, or a new one started. Only when the browser reports the file complete, with
 * every byte, are the job's pieces deleted. A paused, failed or cancelled job's save is cancelled and erased
 * from the browser's list; its pieces stay for the next one. Each save's state is save-state.ts's machine;
 * the saver carries out its steps.
 */
export class Saver {
  private readonly saves = new Map<JobId, Save>();
  /** Save URL → resolves its `started` when the browser reports the download created. */
  private readonly creating: CreatedWaiters = new Map();
  private readonly streams: SaveStreams;

  /**
   * `onUserCancel`: the user cancelled a running job's save in the browser's downloads list (or declined its
   * Save As dialog): the job should stop too, not save again at its end.
   */
  constructor(
    db: Store,
    private readonly records: JobRecords,
    private readonly onUserCancel: (jobId: JobId) => Promise<void> = async () => {},
  ) {
    this.streams = new SaveStreams(db, (jobId) => fileSeal(records, jobId));
  }

  get busy(): boolean {
    return this.saves.size > 0;
  }

  respond(request: Request): Response {
    return this.streams.respond(request);
  }

  collect(url: string): Promise<{ blob: Blob; filename: string }> {
    return this.streams.collect(url);
  }

  /** The file of a running job is known: start the browser's save now, unless one of that file is under way. */
  async begin(jobId: JobId, remote: RemoteFile): Promise<void> {
    if (remote.size === null || remote.size === 0 || !remote.acceptRanges) return;
    const current = this.saves.get(jobId);
    if (current && sameFile(current.remote, remote)) return;
    const save = await this.replace(jobId, remote);
    // Never created: forgotten (see `start`); the end of the job starts another.
    save.started.catch(() => {});
  }

  /** Every byte is stored: finish the save under way, or start one. */
  async save(job: JobRecord): Promise<void> {
    if (job.remote?.size == null) throw new Error(t('save_no_size'));
    let save = this.saves.get(job.id);
    if (!save || !sameFile(save.remote, job.remote)) save = await this.replace(job.id, job.remote);
    if (createdAtEnd()) save.arm(START_TIMEOUT_MS + job.remote.size / SLOWEST_HASH_BYTES_PER_MS);
    const downloadId = await save.started;
    if (!(await this.records.apply(job.id, { type: 'saving', downloadId }))) {
      await this.drop(job.id); // cancelled meanwhile
      return;
    }
    if (save.state.phase === 'written') return this.completed(save);
    // A small file may have finished before the listener knew its id.
    const [item] = await browser.downloads.search({ id: downloadId });
    if (item?.state === 'complete') await this.onChanged({ id: downloadId, state: { current: 'complete' } });
  }

  /** Cancels and erases a job's save, if any (the job paused, failed, was handed back or cancelled). */
  async drop(jobId: JobId): Promise<void> {
    const downloadId = this.detach(jobId);
    if (downloadId !== null) await discard(downloadId);
    await this.closeIfIdle();
  }

  /**
   * Forgets the job's save at once (no await): a late request for its URL answers 404, and a download the
   * browser creates for it later is discarded then (see `start`). Returns the download to discard now.
   */
  private detach(jobId: JobId): number | null {
    const save = this.saves.get(jobId);
    if (!save) return null;
    this.saves.delete(jobId);
    this.streams.close(save.url);
    return this.step(save, { type: 'drop' })?.discard ?? null;
  }

  /** Starts a new save of the job, the one before it (if any) forgotten at once and then discarded. */
  private async replace(jobId: JobId, remote: RemoteFile): Promise<Save> {
    const replaced = this.detach(jobId); // before any await: a second begin meanwhile finds the new save
    const save = await this.start(jobId, remote);
    if (replaced !== null) await discard(replaced);
    return save;
  }

  /** Cancels a cancelled job's save, also one a previous worker started. */
  async cancel(job: JobRecord): Promise<void> {
    await this.drop(job.id);
    if (job.state.status === 'completing' && job.state.downloadId !== null)
      await discard(job.state.downloadId);
  }

  /**
   * downloads.onCreated for a save URL. One that no save of this worker's is waiting for or following is an
   * earlier worker's, created only now: the job's file is being saved otherwise, so it is discarded.
   */
  onCreated(item: { id: number; url: string }): void {
    const created = this.creating.get(item.url);
    if (created) created(item.id);
    else if (![...this.saves.values()].some((s) => s.url === item.url)) void discardUnfinished(item.id);
  }

  async onChanged(delta: Downloads.OnChangedDownloadDeltaType): Promise<void> {
    const save = [...this.saves.values()].find((s) => downloadIdOf(s.state) === delta.id);
    if (!save) return;
    const status = (await this.records.get(save.jobId))?.state.status;
    if (delta.state?.current === 'complete') {
      this.step(save, { type: 'complete' });
      if (status === 'completing') await this.completed(save);
    } else if (delta.state?.current === 'interrupted') {
      const reason = delta.error?.current ?? 'interrupted';
      // Not ended by this worker's stream, and cancelled: the user's doing (our own cancels detach first).
      const byUser = reason === 'USER_CANCELED' && !this.streams.failedHere(save.url);
      await this.drop(save.jobId);
      if (status === 'completing') {
        // The pieces stay: retry saves them again without fetching.
        await this.fail(save.jobId, t('failure_save_refused', reason));
      } else if (status === 'running' && byUser) {
        await this.onUserCancel(save.jobId);
      }
    }
  }

  /**
   * After a worker restart, when no save stream of an earlier worker is alive: what became of the job's save
   * (save-downloads.ts). A job with every byte stored (completing, or still running when its run had not yet
   * said so) whose earlier save holds the whole file keeps it: complete, the job is completed ('saved');
   * still being finished by the browser, it is followed ('save'). A completing job without one saves again
   * ('save'). 'save': the caller is to call `save`, and not wait for it: the browser's reports of a save
   * reach a restarted worker only once its restore has returned (main.ts). null: nothing for the saver.
   */
  async restore(job: JobRecord): Promise<'saved' | 'save' | null> {
    const { status } = job.state;
    const size = job.remote?.size ?? null;
    const stored = size !== null && totalLength(job.done) === size;
    const hasFile = status === 'completing' || (status === 'running' && stored);
    const earlier = await sortEarlierSaves(job, hasFile);
    if (!earlier || !job.remote) return status === 'completing' ? 'save' : null;
    if (status === 'running' && !(await this.records.apply(job.id, { type: 'fetched' }))) return null;
    if (earlier.complete) {
      await this.finish(job.id, earlier.downloadId);
      return 'saved';
    }
    const { downloadId, url } = earlier;
    this.saves.set(job.id, {
      jobId: job.id,
      url,
      remote: job.remote,
      state: adopted(downloadId),
      started: Promise.resolve(downloadId),
      arm() {},
    });
    return 'save';
  }

  private async start(jobId: JobId, remote: RemoteFile): Promise<Save> {
    const url = this.streams.create(jobId, remote);
    const created = whenCreated(this.creating, url);
    const save: Save = { jobId, url, remote, state: OPENING, started: Promise.resolve(0), arm: created.arm };
    if (!createdAtEnd()) created.arm(START_TIMEOUT_MS);
    save.started = created.promise.then(
      async (downloadId) => {
        const step = this.step(save, { type: 'created', downloadId });
        if (step?.discard != null) await discard(step.discard); // dropped before the browser created it
        return downloadId;
      },
      (error: unknown) => {
        this.step(save, { type: 'timed-out' });
        // A save the browser never created is forgotten at once: it keeps no worker awake, and the job's next
        // save (its end, or a retry) starts a new one instead of waiting on this one.
        if (this.saves.get(jobId) === save) void this.drop(jobId);
        throw error;
      },
    );
    this.saves.set(jobId, save); // before any await: a second begin for the job finds it
    // Recorded before the browser is asked: a worker stopped before the download's id is known still finds the
    // download by its URL.
    await this.records.recordSaveUrl(jobId, url);
    // A failure to ask is the download never being created.
    if (save.state.phase !== 'dropped') openSave(url).catch((error: unknown) => created.fail(error));
    return save;
  }

  /** Moves a save through its state machine; null (and no change) when the event does not apply. */
  private step(save: Save, event: SaveEvent): SaveStep | null {
    const next = transition(save.state, event);
    if (next) save.state = next.state;
    return next;
  }

  /** The browser reports the file complete: only a file of exactly the expected size finishes the job. */
  private async completed(save: Save): Promise<void> {
    if (this.saves.get(save.jobId) !== save) return;
    const checked = this.step(save, { type: 'check' })?.state;
    if (checked?.phase !== 'checked') return;
    this.saves.delete(save.jobId);
    const { downloadId } = checked;
    const [item] = await browser.downloads.search({ id: downloadId });
    const size = item?.fileSize ?? -1;
    if (size !== save.remote.size) {
      await removeAndErase(downloadId);
      await this.fail(save.jobId, t('failure_save_short', size, String(save.remote.size)));
      await this.closeIfIdle();
      return;
    }
    // Refused by a hash that was still running (an expected hash set meanwhile): the job has failed.
    if (!(await this.streams.judged(save.url))) {
      await removeAndErase(downloadId);
      await this.closeIfIdle();
      return;
    }
    await this.finish(save.jobId, downloadId);
  }

  private async finish(jobId: JobId, downloadId: number): Promise<void> {
    await this.records.apply(jobId, { type: 'saved', downloadId });
    await this.records.clearPieces(jobId);
    await this.closeIfIdle();
  }

  private async fail(jobId: JobId, message: string): Promise<void> {
    await this.records.apply(jobId, { type: 'fail', error: serializeError(new Error(message)) });
  }

  private async closeIfIdle(): Promise<void> {
    if (this.saves.size > 0) return;
    const jobs = await this.records.list();
    if (!jobs.some((j) => j.state.status === 'completing')) await closeDocument();
  }
}
