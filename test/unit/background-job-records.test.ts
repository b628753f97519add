import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRecords } from '../../src/background/job-records';
import { putPiece } from '../../src/store/pieces';
import { type JobId, openStore, type Store } from '../../src/store/schema';
import { listPieceBlobs, testRemote } from '../helpers/stored-jobs';

/** The worker's one writer of job records: what each write changes, and when users are told. */

let db: Store;
let records: JobRecords;
let changes: number;

beforeEach(async () => {
  db = await openStore(`records-${Math.random()}`);
  changes = 0;
  records = new JobRecords(db, () => changes++);
});
afterEach(() => db.close());

const newJob = () =>
  records.create({
    url: 'http://127.0.0.1/f.bin',
    referrer: null,
    origin: 'menu',
    filename: 'f',
    sizeBytes: null,
  });

describe('job records', () => {
  it('creates a queued job with nothing done, and says so', async () => {
    const id = await newJob();
    expect(await records.get(id)).toMatchObject({ state: { status: 'queued' }, done: [], note: null });
    expect(changes).toBe(1);
  });

  it('writes an accepted event with its patch, and neither for a refused one', async () => {
    const id = await newJob();
    const handOff = { downloadId: null, tries: 1 };
    expect(await records.apply(id, { type: 'retry' }, { handOff })).toBeNull(); // queued jobs do not retry
    expect((await records.get(id))?.handOff).toBeUndefined();
    expect(changes).toBe(1);
    const job = await records.apply(id, { type: 'hand-back', reason: 'no ranges' }, { handOff });
    expect(job).toMatchObject({ state: { status: 'handed-to-browser', reason: 'no ranges' }, handOff });
    expect(changes).toBe(2);
  });

  it('records what the probe learned: the name and size follow the file', async () => {
    const id = await newJob();
    const remote = testRemote(20);
    await records.recordFile(id, remote);
    expect(await records.get(id)).toMatchObject({ remote, filename: 'f.bin', sizeBytes: 20 });
  });

  it('counts hand-off tries up to the limit, and none for a job whose download started', async () => {
    const id = await newJob();
    await records.apply(id, { type: 'hand-back', reason: 'x' }, { handOff: { downloadId: null, tries: 1 } });
    expect((await records.countHandOffTry(id, 2))?.handOff).toEqual({ downloadId: null, tries: 2 });
    expect(await records.countHandOffTry(id, 2)).toBeNull();
    await records.recordHandOff(id, 9);
    expect(await records.countHandOffTry(id, 5)).toBeNull();
    expect((await records.get(id))?.handOff).toEqual({ downloadId: 9, tries: 2 });
  });

  it('clears pieces with their done ranges, and deletes a job with its pieces', async () => {
    const id: JobId = await newJob();
    await putPiece(db, id, 0, new Blob([new Uint8Array(4)]));
    await records.clearPieces(id);
    expect((await records.get(id))?.done).toEqual([]);
    expect(await listPieceBlobs(db, id)).toEqual([]);
    await putPiece(db, id, 0, new Blob([new Uint8Array(4)]));
    await records.delete(id);
    expect(await records.get(id)).toBeUndefined();
    expect(await listPieceBlobs(db, id)).toEqual([]);
  });
});

describe('names and links', () => {
  it('keeps the name the browser chose over the one the probe finds', async () => {
    const id = await newJob();
    await records.rename(id, 'chosen.bin');
    await records.recordFile(id, { ...testRemote(1000), filename: 'probe.bin' });
    expect((await records.get(id))?.filename).toBe('chosen.bin');
  });

  it('lets a new download of the same link and size adopt a job paused for a fresh link, and no other', async () => {
    const link = 'http://127.0.0.1/get?id=7';
    const waiting = await records.create({
      url: 'http://127.0.0.1/signed?sig=1',
      originalUrl: link,
      referrer: null,
      origin: 'auto',
      filename: 'f.bin',
      sizeBytes: 1000,
    });
    await records.apply(
      waiting,
      { type: 'pause' },
      { waitingForLink: true, note: 'Paused: the link expired' },
    );
    const other = await newJob();
    await records.apply(other, { type: 'pause' });

    expect(
      await records.adoptLink({ url: 'http://127.0.0.1/signed?sig=2', originalUrl: link, sizeBytes: 999 }),
    ).toBeNull();
    expect(
      await records.adoptLink({
        url: 'http://127.0.0.1/f.bin',
        originalUrl: 'http://127.0.0.1/f.bin',
        sizeBytes: 1000,
      }),
    ).toBeNull();
    const adopted = await records.adoptLink({
      url: 'http://127.0.0.1/signed?sig=2',
      originalUrl: link,
      sizeBytes: 1000,
    });
    expect(adopted).toMatchObject({
      id: waiting,
      url: 'http://127.0.0.1/signed?sig=2',
      originalUrl: link,
      state: { status: 'queued' },
      waitingForLink: false,
      note: null,
    });
    // Adopted once: a second download of the link is a job of its own.
    expect(
      await records.adoptLink({ url: 'http://127.0.0.1/signed?sig=3', originalUrl: link, sizeBytes: 1000 }),
    ).toBeNull();
  });
});
