import { announce } from './piece-events';
import { type JobId, type JobRecord, piecesOf, type Store } from './schema';

/** The jobs repository. Each function is one transaction. */

export async function putJob(db: Store, job: JobRecord): Promise<void> {
  await db.put('jobs', job);
}

export function getJob(db: Store, id: JobId): Promise<JobRecord | undefined> {
  return db.get('jobs', id);
}

export async function listJobs(db: Store): Promise<JobRecord[]> {
  const jobs = await db.getAll('jobs');
  return jobs.sort((a, b) => a.createdAt - b.createdAt);
}

/**
 * Reads, changes and writes one job in a single transaction, so concurrent piece writes (which update `done`)
 * are never overwritten by a stale copy. `change` must be synchronous; returning null leaves the job as is.
 */
export async function updateJob(
  db: Store,
  id: JobId,
  change: (job: JobRecord) => JobRecord | null,
): Promise<JobRecord | undefined> {
  const tx = db.transaction('jobs', 'readwrite');
  const job = await tx.store.get(id);
  const next = job ? change(job) : null;
  if (next) await tx.store.put(next);
  await tx.done;
  return next ?? job;
}

/** Deletes a job and all its pieces. */
export async function deleteJob(db: Store, id: JobId): Promise<void> {
  const tx = db.transaction(['jobs', 'pieces'], 'readwrite');
  await Promise.all([tx.objectStore('pieces').delete(piecesOf(id)), tx.objectStore('jobs').delete(id)]);
  await tx.done;
  announce(id, 'cleared');
}
