import { addRange } from '../engine/ranges';
import type { ByteRange } from '../engine/types';
import { isFinal } from '../shared/job-state';
import { announce } from './piece-events';
import { type JobId, type JobRecord, type PieceRecord, piecesOf, type Store } from './schema';

/** The pieces repository. Each function is one transaction. */

/** Stores a piece and records its range as done, atomically: `done` never names bytes that are not stored. */
export async function putPiece(db: Store, jobId: JobId, start: number, blob: Blob): Promise<void> {
  const range: ByteRange = { start, end: start + blob.size - 1 };
  const tx = db.transaction(['jobs', 'pieces'], 'readwrite');
  const jobs = tx.objectStore('jobs');
  const job = await jobs.get(jobId);
  // A write still in flight when the job was cancelled must not leave an orphan piece behind.
  if (!job || job.state.status === 'cancelled') {
    tx.abort();
    await tx.done.catch(() => {}); // rejects with AbortError, which is expected here
    throw new Error(`job ${jobId} is gone or cancelled`);
  }
  await Promise.all([
    tx.objectStore('pieces').put({ jobId, start, end: range.end, blob }),
    jobs.put({ ...job, done: addRange(job.done, range) }),
  ]);
  await tx.done;
  announce(jobId, 'stored');
}

/** Forgets a job's pieces and its done ranges (the remote file changed, or the job is over). */
export async function clearPieces(db: Store, jobId: JobId): Promise<void> {
  const tx = db.transaction(['jobs', 'pieces'], 'readwrite');
  const jobs = tx.objectStore('jobs');
  const job = await jobs.get(jobId);
  await Promise.all([
    tx.objectStore('pieces').delete(piecesOf(jobId)),
    job ? jobs.put({ ...job, done: [] }) : Promise.resolve(),
  ]);
  await tx.done;
  announce(jobId, 'cleared');
}

/**
 * The stored piece holding byte `offset` of a job's file, with the job's record read in the same transaction;
 * piece null when no stored piece holds that byte (yet).
 */
export async function pieceAt(
  db: Store,
  jobId: JobId,
  offset: number,
): Promise<{ job: JobRecord | undefined; piece: PieceRecord | null }> {
  const tx = db.transaction(['jobs', 'pieces'], 'readonly');
  const [job, cursor] = await Promise.all([
    tx.objectStore('jobs').get(jobId),
    tx.objectStore('pieces').openCursor(IDBKeyRange.bound([jobId, 0], [jobId, offset]), 'prev'),
  ]);
  const piece = cursor && cursor.value.end >= offset ? cursor.value : null;
  await tx.done;
  return { job, piece };
}

/** A job's record and all its stored pieces (in file order), read in one transaction. */
export async function storedPieces(
  db: Store,
  jobId: JobId,
): Promise<{ job: JobRecord | undefined; pieces: PieceRecord[] }> {
  const tx = db.transaction(['jobs', 'pieces'], 'readonly');
  const [job, pieces] = await Promise.all([
    tx.objectStore('jobs').get(jobId),
    tx.objectStore('pieces').getAll(piecesOf(jobId)),
  ]);
  await tx.done;
  return { job, pieces };
}

/**
 * Deletes the pieces no unfinished job owns: a job deleted or finished while its pieces were left behind (the
 * worker stopped between the two). Returns how many jobs' pieces went.
 */
export async function deleteOrphanPieces(db: Store): Promise<number> {
  const tx = db.transaction(['jobs', 'pieces'], 'readwrite');
  const pieces = tx.objectStore('pieces');
  const [jobs, keys] = await Promise.all([tx.objectStore('jobs').getAll(), pieces.getAllKeys()]);
  const owners = new Set(jobs.filter((job) => !isFinal(job.state)).map((job) => job.id));
  const orphans = new Set(keys.map(([jobId]) => jobId).filter((jobId) => !owners.has(jobId)));
  await Promise.all([...orphans].map((jobId) => pieces.delete(piecesOf(jobId))));
  await tx.done;
  return orphans.size;
}
