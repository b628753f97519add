import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { deleteJob, putJob, updateJob } from '../../src/store/jobs';
import { deleteOrphanPieces, putPiece } from '../../src/store/pieces';
import { type JobId, type JobRecord, newJobId, openStore, type Store } from '../../src/store/schema';
import { listPieceBlobs } from '../helpers/stored-jobs';

let db: Store;
beforeEach(async () => {
  db = await openStore(`orphans-${Math.random()}`);
});
afterEach(() => db.close());

async function jobWithPieces(): Promise<JobId> {
  const id = newJobId();
  await putJob(db, {
    id,
    url: 'http://127.0.0.1/f.bin',
    referrer: null,
    origin: 'auto',
    filename: 'f.bin',
    sizeBytes: 20,
    createdAt: Date.now(),
    state: { status: 'running' },
    remote: null,
    done: [],
    note: null,
  });
  await putPiece(db, id, 0, new Blob([new Uint8Array(10)]));
  await putPiece(db, id, 10, new Blob([new Uint8Array(10)]));
  return id;
}

it('deletes the pieces of deleted and finished jobs, and keeps those of unfinished ones', async () => {
  const [running, paused, failed, completed, deleted] = (await Promise.all(
    Array.from({ length: 5 }, () => jobWithPieces()),
  )) as [JobId, JobId, JobId, JobId, JobId];
  const set = (id: JobId, state: JobRecord['state']) => updateJob(db, id, (job) => ({ ...job, state }));
  await set(paused, { status: 'paused' });
  await set(failed, { status: 'failed', error: { name: 'Error', code: null, message: 'x' } });
  await set(completed, { status: 'completed', downloadId: 1 });
  // A record gone while a piece stayed (deleteJob removes both; a piece is written straight into the store).
  await deleteJob(db, deleted);
  await db.put('pieces', { jobId: deleted, start: 0, end: 9, blob: new Blob([new Uint8Array(10)]) });

  expect(await deleteOrphanPieces(db)).toBe(2);
  for (const id of [running, paused, failed]) expect(await listPieceBlobs(db, id)).toHaveLength(2);
  expect(await listPieceBlobs(db, completed)).toEqual([]);
  expect(await listPieceBlobs(db, deleted)).toEqual([]);
  expect(await deleteOrphanPieces(db)).toBe(0);
});
