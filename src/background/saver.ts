import { serializeError } from '../shared/job-state';
import { getJob, listJobs, updateJob } from '../store/jobs';
import { clearPieces } from '../store/pieces';
import type { JobId, JobRecord, Store } from '../store/schema';
import type { ApplyEvent } from './job-manager';
import { assemble, closeDocument, revoke } from './offscreen-client';

/**
 * The last step of a job: the offscreen document builds one Blob of the stored pieces, the browser saves it
 * under the sanitised name, and only once it reports `complete` are the URL revoked and the pieces deleted.
 */
export class Saver {
  /** downloadId → the job and the blob: URL it saves (null after a worker restart: the URL was not kept). */
  private readonly pending = new Map<number, { jobId: JobId; url: string | null }>();

  constructor(
    private readonly db: Store,
    private readonly apply: ApplyEvent,
  ) {}

  get busy(): boolean {
    return this.pending.size > 0;
  }

  async save(job: JobRecord): Promise<void> {
    const { url, sizeBytes } = await assemble(job.id, job.remote?.mime ?? 'application/octet-stream');
    const expected = job.remote?.size ?? null;
    if (expected !== null && sizeBytes !== expected) {
      await revoke(url).catch(() => {});
      throw new Error(`assembled ${sizeBytes} bytes, expected ${expected}`);
    }
    // Recorded first: a worker stopped before `saving` is stored still finds the download by its URL.
    const recorded = await updateJob(this.db, job.id, (j) =>
      j.state.status === 'completing' ? { ...j, saveUrl: url } : null,
    );
    if (recorded?.state.status !== 'completing') {
      await revoke(url).catch(() => {}); // cancelled while the pieces were being assembled
      return;
    }
    const downloadId = await chrome.downloads.download({
      url,
      filename: job.filename,
      conflictAction: 'uniquify',
      saveAs: false,
    });
    this.pending.set(downloadId, { jobId: job.id, url });
    if (!(await this.apply(job.id, { type: 'saving', downloadId }))) {
      // Cancelled while the browser was being asked.
      this.pending.delete(downloadId);
      await chrome.downloads.cancel(downloadId).catch(() => {});
      await revoke(url).catch(() => {});
      return;
    }
    // A small file may have finished before the listener knew its id.
    const [item] = await chrome.downloads.search({ id: downloadId });
    if (item?.state === 'complete') await this.completed(downloadId);
  }

  /**
   * After a worker restart: picks up the save that was under way, found by its id or, when the worker stopped
   * before the id was stored, by its blob: URL. False when there is none to pick up (never started, or
   * interrupted): the caller saves again.
   */
  async restore(job: JobRecord): Promise<boolean> {
    if (job.state.status !== 'completing') return false;
    const { downloadId } = job.state;
    const items =
      downloadId !== null
        ? await chrome.downloads.search({ id: downloadId })
        : job.saveUrl
          ? await chrome.downloads.search({ url: job.saveUrl })
          : [];
    const item = items.find((i) => i.state !== 'interrupted');
    if (item?.state === 'complete') await this.finish(job.id, item.id, null);
    else if (item?.state === 'in_progress') {
      this.pending.set(item.id, { jobId: job.id, url: job.saveUrl ?? null });
      if (downloadId !== item.id) await this.apply(job.id, { type: 'saving', downloadId: item.id });
    } else return false;
    return true;
  }

  async onChanged(delta: chrome.downloads.DownloadDelta): Promise<void> {
    if (delta.state?.current === 'complete') await this.completed(delta.id);
    else if (delta.state?.current === 'interrupted') await this.interrupted(delta.id, delta.error?.current);
  }

  /** Cancels the browser's save of a cancelled job. */
  async cancel(job: JobRecord): Promise<void> {
    if (job.state.status !== 'completing' || job.state.downloadId === null) return;
    const downloadId = job.state.downloadId;
    const entry = this.pending.get(downloadId);
    this.pending.delete(downloadId);
    await chrome.downloads.cancel(downloadId).catch(() => {});
    if (entry?.url) await revoke(entry.url).catch(() => {});
    await this.closeIfIdle();
  }

  private async completed(downloadId: number): Promise<void> {
    const entry = this.pending.get(downloadId);
    if (!entry) return;
    this.pending.delete(downloadId);
    await this.finish(entry.jobId, downloadId, entry.url);
  }

  private async finish(jobId: JobId, downloadId: number, url: string | null): Promise<void> {
    await this.apply(jobId, { type: 'saved', downloadId });
    await clearPieces(this.db, jobId);
    if (url) await revoke(url).catch(() => {});
    await this.closeIfIdle();
  }

  private async interrupted(downloadId: number, reason: string | undefined): Promise<void> {
    const entry = this.pending.get(downloadId);
    if (!entry) return;
    this.pending.delete(downloadId);
    const job = await getJob(this.db, entry.jobId);
    if (job?.state.status === 'completing') {
      // The pieces stay: retry assembles and saves them again without fetching.
      const error = serializeError(
        new Error(`the browser could not save the file (${reason ?? 'interrupted'})`),
      );
      await this.apply(entry.jobId, { type: 'fail', error });
    }
    if (entry.url) await revoke(entry.url).catch(() => {});
    await this.closeIfIdle();
  }

  private async closeIfIdle(): Promise<void> {
    if (this.pending.size > 0) return;
    const jobs = await listJobs(this.db);
    if (!jobs.some((j) => j.state.status === 'completing')) await closeDocument();
  }
}
