import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRecords } from '../../src/background/job-records';
import type { RemoteFile } from '../../src/engine/types';
import { deleteJob, getJob, putJob, updateJob } from '../../src/store/jobs';
import { createPieceSink, PREFERRED_WRITE_BYTES } from '../../src/store/piece-sink';
import { type JobId, type JobRecord, newJobId, openStore, type Store } from '../../src/store/schema';
import { listPieceBlobs } from '../helpers/stored-jobs';

const remote: RemoteFile = {
  url: 'http://127.0.0.1/f.bin',
  finalUrl: 'http://127.0.0.1/f.bin',
  size: 10,
  acceptRanges: true,
  etag: '"v1"',
  lastModified: null,
  mime: 'application/octet-stream',
  filename: 'f.bin',
};

function newJob(id: JobId): JobRecord {
  return {
    id,
    url: remote.url,
    referrer: null,
    origin: 'auto',
    filename: 'guess.bin',
    sizeBytes: null,
    createdAt: Date.now(),
    state: { status: 'running' },
    remote: null,
    done: [],
    note: null,
  };
}

const bytes = (...values: number[]) => new Uint8Array(values);

/** The sink as the worker's run makes it: the probe's findings recorded through the job records. */
function sinkOf(db: Store, id: JobId) {
  const records = new JobRecords(db);
  return createPieceSink(db, id, (found) => records.recordFile(id, found));
}

describe('IndexedDB piece sink', () => {
  let db: Store;
  let id: JobId;

  beforeEach(async () => {
    db = await openStore(`test-${Math.random()}`);
    id = newJobId();
    await putJob(db, newJob(id));
  });
  afterEach(() => db.close());

  it('prefers 8 MiB writes', () => {
    expect(sinkOf(db, id).preferredWriteBytes).toBe(PREFERRED_WRITE_BYTES);
    expect(PREFERRED_WRITE_BYTES).toBe(8 * 1024 * 1024);
  });

  it('loads nothing before begin, then the remote and done ranges', async () => {
    const sink = sinkOf(db, id);
    expect(await sink.load()).toBeNull();
    await sink.begin(remote, []);
    expect(await sink.load()).toEqual({ remote, done: [] });
    expect((await getJob(db, id))?.filename).toBe('f.bin');
  });

  it('stores each write as one Blob and merges its range into done, in file order', async () => {
    const sink = sinkOf(db, id);
    await sink.begin(remote, []);
    await Promise.all([sink.write(5, [bytes(5, 6), bytes(7, 8, 9)]), sink.write(0, [bytes(0, 1, 2, 3, 4)])]);
    expect((await sink.load())?.done).toEqual([{ start: 0, end: 9 }]);
    const blobs = await listPieceBlobs(db, id);
    expect(blobs.every((b) => b instanceof Blob)).toBe(true);
    const whole = new Uint8Array(await new Blob(blobs).arrayBuffer());
    expect([...whole]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps gaps as separate done ranges', async () => {
    const sink = sinkOf(db, id);
    await sink.begin(remote, []);
    await sink.write(8, [bytes(8, 9)]);
    await sink.write(0, [bytes(0, 1)]);
    expect((await sink.load())?.done).toEqual([
      { start: 0, end: 1 },
      { start: 8, end: 9 },
    ]);
  });

  it('reset forgets pieces and done ranges', async () => {
    const sink = sinkOf(db, id);
    await sink.begin(remote, []);
    await sink.write(0, [bytes(1, 2)]);
    await sink.reset();
    expect(await listPieceBlobs(db, id)).toEqual([]);
    expect((await getJob(db, id))?.done).toEqual([]);
  });

  it('a state update never overwrites done ranges written meanwhile', async () => {
    const sink = sinkOf(db, id);
    await sink.begin(remote, []);
    await Promise.all([
      sink.write(0, [bytes(1, 2)]),
      updateJob(db, id, (job) => ({ ...job, note: 'hello' })),
      sink.write(2, [bytes(3)]),
    ]);
    const job = await getJob(db, id);
    expect(job?.done).toEqual([{ start: 0, end: 2 }]);
    expect(job?.note).toBe('hello');
  });

  it('refuses writes for a cancelled or deleted job, leaving no orphan piece', async () => {
    const sink = sinkOf(db, id);
    await sink.begin(remote, []);
    await updateJob(db, id, (job) => ({ ...job, state: { status: 'cancelled' } }));
    await expect(sink.write(0, [bytes(1)])).rejects.toMatchObject({ name: 'StorageError' });
    expect(await listPieceBlobs(db, id)).toEqual([]);
    await deleteJob(db, id);
    await expect(sink.write(0, [bytes(1)])).rejects.toMatchObject({ name: 'StorageError' });
  });

  it('deleteJob removes the job and only its pieces', async () => {
    const other = newJobId();
    await putJob(db, newJob(other));
    await sinkOf(db, id).write(0, [bytes(1)]);
    await sinkOf(db, other).write(0, [bytes(2)]);
    await deleteJob(db, id);
    expect(await getJob(db, id)).toBeUndefined();
    expect(await listPieceBlobs(db, id)).toEqual([]);
    expect(await listPieceBlobs(db, other)).toHaveLength(1);
  });
});
