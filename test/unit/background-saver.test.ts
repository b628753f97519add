import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRecords } from '../../src/background/job-records';
import { Saver } from '../../src/background/saver';
import { getJob, putJob, updateJob } from '../../src/store/jobs';
import { clearPieces, putPiece } from '../../src/store/pieces';
import { type JobId, newJobId, openStore, type Store } from '../../src/store/schema';
import { listPieceBlobs, runningJob, testRemote } from '../helpers/stored-jobs';
import { type FakeChrome, installFakeChrome } from './fake-chrome';

/**
 * The save that starts while the job still fetches (the browser writes the stored prefix as it grows): what
 * happens to it when the job pauses, when the browser finishes before the job has, when it is interrupted,
 * and when the file changes.
 */

const SIZE = 20;
const remote = testRemote(SIZE);

let db: Store;
let chrome: FakeChrome;
let saver: Saver;
let id: JobId;
let userCancels: JobId[];

beforeEach(async () => {
  userCancels = [];
  db = await openStore(`saver-${Math.random()}`);
  chrome = installFakeChrome();
  saver = new Saver(db, new JobRecords(db), async (jobId) => {
    userCancels.push(jobId);
  });
  chrome.onCreated = (item) => saver.onCreated(item);
  id = newJobId();
  await putJob(db, runningJob(id, remote));
});
afterEach(() => db.close());

const tick = () => new Promise((r) => setTimeout(r, 10));

async function allStored(): Promise<void> {
  await putPiece(db, id, 0, new Blob([new Uint8Array(10)]));
  await putPiece(db, id, 10, new Blob([new Uint8Array(10)]));
}

async function browserReports(
  downloadId: number,
  state: 'complete' | 'interrupted',
  { fileSize = SIZE, error }: { fileSize?: number; error?: string } = {},
) {
  const item = chrome.downloads.find((d) => d.id === downloadId);
  if (item) {
    item.state = state;
    item.fileSize = fileSize;
  }
  await saver.onChanged({
    id: downloadId,
    state: { current: state, previous: 'in_progress' },
    ...(error ? { error: { current: error } } : {}),
  });
}

async function fetched() {
  const job = await updateJob(db, id, (j) => ({ ...j, state: { status: 'completing', downloadId: null } }));
  return job!;
}

describe('the save of a running job', () => {
  it('starts as soon as the file is known, once per file', async () => {
    await saver.begin(id, remote);
    await saver.begin(id, { ...remote, finalUrl: 'http://127.0.0.1/moved.bin' }); // same file
    await tick();
    expect(chrome.opened).toHaveLength(1);
    expect((await getJob(db, id))?.saveUrl).toBe(chrome.opened[0]);
    expect(saver.busy).toBe(true);
  });

  it('is not started for a file of unknown size or without ranges (the browser gets those)', async () => {
    await saver.begin(id, { ...remote, size: null });
    await saver.begin(id, { ...remote, acceptRanges: false });
    expect(chrome.opened).toEqual([]);
  });

  it('is replaced when the file changed on the server: the old download is cancelled and erased', async () => {
    await saver.begin(id, remote);
    await tick();
    await saver.begin(id, { ...remote, etag: '"v2"' });
    await tick();
    expect(chrome.opened).toHaveLength(2);
    expect(chrome.cancelled).toEqual([100]);
    expect(chrome.erased).toEqual([100]);
  });

  it('started twice at once for two versions of the file, only the later one reaches the browser', async () => {
    await Promise.all([saver.begin(id, remote), saver.begin(id, { ...remote, etag: '"v2"' })]);
    await tick();
    expect(chrome.opened).toHaveLength(1);
    expect((await getJob(db, id))?.saveUrl).toBe(chrome.opened[0]);
  });

  it('is cancelled and erased when the job stops (pause, failure, cancel); the pieces stay', async () => {
    await allStored();
    await saver.begin(id, remote);
    await tick();
    await saver.drop(id);
    expect(chrome.cancelled).toEqual([100]);
    expect(chrome.erased).toEqual([100]);
    expect(saver.busy).toBe(false);
    expect(await listPieceBlobs(db, id)).toHaveLength(2);
  });

  it('dropped before the browser reported it created, it is cancelled once it is', async () => {
    await saver.begin(id, remote);
    await saver.drop(id); // the browser has not reported the download yet
    await tick();
    expect(chrome.cancelled).toEqual([100]);
  });

  it('finishes the job at once when the browser completed it before the job reached completing', async () => {
    await allStored();
    await saver.begin(id, remote);
    await tick();
    await browserReports(100, 'complete'); // the job is still running: noted, nothing finished yet
    expect((await getJob(db, id))?.state.status).toBe('running');
    await saver.save(await fetched());
    expect((await getJob(db, id))?.state).toEqual({ status: 'completed', downloadId: 100 });
    expect(await listPieceBlobs(db, id)).toEqual([]);
    expect(chrome.opened).toHaveLength(1); // no second save
  });

  it('is kept by the final save while the browser still writes it', async () => {
    await allStored();
    await saver.begin(id, remote);
    await tick();
    await saver.save(await fetched());
    expect((await getJob(db, id))?.state).toEqual({ status: 'completing', downloadId: 100 });
    await browserReports(100, 'complete');
    expect((await getJob(db, id))?.state).toEqual({ status: 'completed', downloadId: 100 });
    expect(chrome.opened).toHaveLength(1);
  });

  it('interrupted while the job runs, it is erased and the final save starts another', async () => {
    await allStored();
    await saver.begin(id, remote);
    await tick();
    await browserReports(100, 'interrupted');
    expect(chrome.erased).toEqual([100]);
    expect((await getJob(db, id))?.state.status).toBe('running');
    await saver.save(await fetched());
    expect(chrome.opened).toHaveLength(2);
    await browserReports(101, 'complete');
    expect((await getJob(db, id))?.state).toEqual({ status: 'completed', downloadId: 101 });
  });

  it("cancelled by the user in the browser's list while the job runs, the job is told to stop", async () => {
    await saver.begin(id, remote);
    await tick();
    await browserReports(100, 'interrupted', { error: 'USER_CANCELED' });
    expect(userCancels).toEqual([id]);
    expect(chrome.erased).toEqual([100]);
  });

  it('ended by its own stream (the pieces were cleared: the file changed), the job is not told to stop', async () => {
    await saver.begin(id, remote);
    await tick();
    const response = saver.respond(new Request(chrome.opened[0]!));
    const reading = response.body!.getReader().read();
    reading.catch(() => {});
    await tick();
    await clearPieces(db, id);
    await expect(reading).rejects.toThrow(/cleared/);
    // Chromium reports a stream that errors as cancelled too.
    await browserReports(100, 'interrupted', { error: 'USER_CANCELED' });
    expect(userCancels).toEqual([]);
    expect(chrome.erased).toEqual([100]);
  });

  it('streams the file as application/octet-stream with nosniff, whatever its own type', async () => {
    await saver.begin(id, { ...remote, mime: 'text/html' });
    await tick();
    const response = saver.respond(new Request(chrome.opened[0]!));
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-length')).toBe(String(SIZE));
    expect(response.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''f.bin");
    await response.body?.cancel();
  });

  it('fails the job when the browser never turns the stream into a download', async () => {
    chrome.onCreated = null;
    await allStored();
    const job = await fetched();
    const saving = saver.save(job);
    await expect(saving).rejects.toThrow(/did not start saving/);
    // The save that never started is forgotten: it keeps no worker awake, and a retry starts a new one.
    expect(saver.busy).toBe(false);
  }, 30_000);
});
