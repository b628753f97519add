import type { RemoteFile } from '../engine/types';
import { type JobEvent, transition } from '../shared/job-state';
import type { IntegrityRecord } from '../shared/job-view';
import { deleteJob, getJob, listJobs, putJob, updateJob } from '../store/jobs';
import { clearPieces } from '../store/pieces';
import { type JobId, type JobRecord, newJobId, type Store } from '../store/schema';
import { recheck } from './integrity-note';

export interface NewJob {
  url: string;
  /** The link before redirects, when it differs from `url`. */
  originalUrl?: string | null;
  referrer: string | null;
  origin: JobRecord['origin'];
  filename: string;
  sizeBytes: number | null;
  probedBytesPerSecond?: number;
  /** The SHA-256 the user expects of the file, given with the link (lowercase hex). */
  expectedSha256?: string | null;
}

/**
 * The one writer of job records in the worker: the queue, the saver, the hand-off and the run each say what
 * changed, and this module writes it, each write one transaction (updateJob), so no part can overwrite what
 * another wrote meanwhile with a stale copy. State changes go through the job state machine only; a patch
 * rides in the same transaction when the event is accepted. `onChange` hears of every write users can see.
 *
 * The one exception is the pieces themselves (store/pieces.ts, through the run's piece sink): a piece and the
 * record's `done` ranges are written in ONE transaction, so `done` never names bytes that are not stored,
 * and clearing the pieces empties `done` in the same way. Those writes stay in the store.
 */
export class JobRecords {
  constructor(
    private readonly db: Store,
    private readonly onChange: () => void = () => {},
  ) {}

  get(id: JobId): Promise<JobRecord | undefined> {
    return getJob(this.db, id);
  }

  /** Every job, oldest first (the queue's order). */
  list(): Promise<JobRecord[]> {
    return listJobs(this.db);
  }

  /** A new job, queued. */
  async create(input: NewJob): Promise<JobId> {
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
    this.onChange();
    return id;
  }

  /**
   * Applies one state-machine event to the stored job, with `patch` written in the same transaction when it
   * is accepted; resolves to the updated job, or null if not accepted.
   */
  async apply(id: JobId, event: JobEvent, patch: Partial<JobRecord> = {}): Promise<JobRecord | null> {
    let accepted = false;
    const job = await updateJob(this.db, id, (current) => {
      const state = transition(current.state, event);
      accepted = state !== null;
      return state ? { ...current, ...patch, state } : null;
    });
    if (accepted) this.onChange();
    return accepted && job ? job : null;
  }

  /** The latest note (null: none); it replaces the one before. */
  async note(id: JobId, note: string | null): Promise<void> {
    await updateJob(this.db, id, (j) => ({ ...j, note }));
    this.onChange();
  }

  /** A warning about the file's integrity; null only once none of the bytes it spoke of are kept. */
  async warn(id: JobId, warning: string | null): Promise<void> {
    await updateJob(this.db, id, (j) => ({ ...j, warning }));
    this.onChange();
  }

  /** What the probe learned of the file: the job's name and size follow it. */
  async recordFile(id: JobId, remote: RemoteFile): Promise<void> {
    await updateJob(this.db, id, (j) => ({
      ...j,
      remote,
      filename: j.browserName ?? remote.filename,
      sizeBytes: remote.size,
    }));
  }

  /** The name the browser chose: the file is saved under it. */
  async rename(id: JobId, name: string): Promise<void> {
    await updateJob(this.db, id, (j) => ({ ...j, filename: name, browserName: name }));
    this.onChange();
  }

  /**
   * A job paused on an expired link, of `originalUrl` and `sizeBytes`, if there is one; it continues from
   * `url`, the link's fresh resolution (queued again). Resolves to the job, or null.
   */
  async adoptLink(link: { url: string; originalUrl: string; sizeBytes: number }): Promise<JobRecord | null> {
    const waiting = (await this.list()).find(
      (j) =>
        j.waitingForLink === true &&
        j.state.status === 'paused' &&
        (j.originalUrl ?? j.url) === link.originalUrl &&
        (j.remote?.size ?? j.sizeBytes) === link.sizeBytes,
    );
    if (!waiting) return null;
    return this.apply(waiting.id, { type: 'resume' }, { url: link.url, waitingForLink: false, note: null });
  }

  /**
   * The SHA-256 the user expects (null: none). A completed job's file is judged again at once, as its save
   * judged it (integrity-note.ts `recheck`); resolves to the job, or null when there is no such job.
   */
  async expectSha256(id: JobId, sha256: string | null): Promise<JobRecord | null> {
    const job = await updateJob(this.db, id, (j) => ({
      ...j,
      expectedSha256: sha256,
      integrity: recheck(j, sha256),
    }));
    this.onChange();
    return job ?? null;
  }

  /** The file's SHA-256 and what it was held to, once the save hashed every byte. */
  async recordIntegrity(id: JobId, integrity: IntegrityRecord | null): Promise<void> {
    await updateJob(this.db, id, (j) => ({ ...j, integrity }));
    this.onChange();
  }

  /** The URL of the job's save, before the browser is asked for it (see JobRecord.saveUrl). */
  async recordSaveUrl(id: JobId, saveUrl: string): Promise<void> {
    await updateJob(this.db, id, (j) => ({ ...j, saveUrl }));
  }

  /** The browser's download id of a job handed back to it. */
  async recordHandOff(id: JobId, downloadId: number): Promise<void> {
    await updateJob(this.db, id, (j) => (j.handOff ? { ...j, handOff: { ...j.handOff, downloadId } } : null));
    this.onChange();
  }

  /**
   * Counts one more call of the browser for a handed-back job whose download never started, unless it has
   * had `maxTries` (records from before tries were kept count as having had them all). Resolves to the job to
   * hand off again, or null.
   */
  async countHandOffTry(id: JobId, maxTries: number): Promise<JobRecord | null> {
    let again = false;
    const next = await updateJob(this.db, id, (j) => {
      const tries = j.handOff?.downloadId === null ? j.handOff.tries : maxTries;
      again = j.state.status === 'handed-to-browser' && tries < maxTries;
      return again ? { ...j, handOff: { downloadId: null, tries: tries + 1 } } : null;
    });
    return again && next ? next : null;
  }

  /** Forgets the job's pieces and its done ranges (one transaction, in the store). */
  clearPieces(id: JobId): Promise<void> {
    return clearPieces(this.db, id);
  }

  /** Deletes the job's record and its pieces. */
  async delete(id: JobId): Promise<void> {
    await deleteJob(this.db, id);
    this.onChange();
  }
}
