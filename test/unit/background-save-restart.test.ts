import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobManager } from '../../src/background/job-manager';
import { HostPool } from '../../src/engine/host-pool';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { getJob, putJob } from '../../src/store/jobs';
import { putPiece } from '../../src/store/pieces';
import { type JobId, type JobRecord, newJobId, openStore, type Store } from '../../src/store/schema';
import { listPieceBlobs, runningJob, testRemote } from '../helpers/stored-jobs';
import { type FakeChrome, type FakeDownload, installFakeChrome } from './fake-chrome';

/**
 * A worker that stops once every piece is stored but before the browser has finished saving the file, and
 * starts again. As in main.ts, the new worker's listeners (downloads.onCreated, onChanged, the save stream's
 * fetch) wait until `restore()` has returned, so restore must never wait on them. Whatever the browser's save
 * had become, the file ends up saved once: never a second copy, never a job failed for it.
 */

const SIZE = 20;
const remote = testRemote(SIZE);
const OLD_URL = 'chrome-extension://fakemiedkhlmlmmbccllciacifpncpfc/save/old';
/** Well under the 20 s the browser has to create a save: restore returns without waiting on it. */
const PROMPT_MS = 1_000;

let db: Store;
let chrome: FakeChrome;

beforeEach(async () => {
  db = await openStore(`save-restart-${Math.random()}`);
  chrome = installFakeChrome();
});
afterEach(() => db.close());

const traffic = {
  hostPool: async () => new HostPool({ maxPerHost: 6 }),
  limitsFor: () => [],
  release: () => {},
};
const browser = { start: async () => 1, find: async () => null };

/**
 * A new worker lifetime over the same store, wired as main.ts wires it: its onCreated listener waits for the
 * manager's restore. No queued job starts (no slots): a job that ran again would show as `queued`.
 */
async function restart(): Promise<JobManager> {
  const settings = async () => ({ ...DEFAULT_SETTINGS, concurrentDownloads: 0 });
  const manager = new JobManager(db, { settings, onChange: () => {}, browser, traffic });
  let ready = (): void => {};
  const restored = new Promise<void>((resolve) => {
    ready = resolve;
  });
  chrome.onCreated = (item) => void restored.then(() => manager.saves.onCreated(item));
  const timeout = new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), PROMPT_MS));
  expect(await Promise.race([manager.restore(), timeout])).not.toBe('stuck');
  ready();
  await tick();
  return manager;
}

const tick = () => new Promise((r) => setTimeout(r, 20));

/** A job with every byte stored (two pieces), in `state`, whose save URL was `OLD_URL`. */
async function storedJob(state: JobRecord['state']): Promise<JobId> {
  const id = newJobId();
  await putJob(db, runningJob(id, remote, { saveUrl: OLD_URL, done: [{ start: 0, end: SIZE - 1 }] }));
  await putPiece(db, id, 0, new Blob([new Uint8Array(10)]));
  await putPiece(db, id, 10, new Blob([new Uint8Array(10)]));
  await db.put('jobs', { ...(await getJob(db, id))!, state });
  return id;
}

/** The earlier worker's save, as the browser still lists it. */
function earlierSave(download: Partial<FakeDownload> & Pick<FakeDownload, 'state'>): void {
  chrome.known({ id: 9, url: OLD_URL, filename: '/downloads/f.bin', totalBytes: SIZE, ...download });
}

async function browserCompletes(manager: JobManager, downloadId: number): Promise<void> {
  const item = chrome.downloads.find((d) => d.id === downloadId)!;
  item.state = 'complete';
  item.fileSize = SIZE;
  await manager.onDownloadChanged({
    id: downloadId,
    state: { current: 'complete', previous: 'in_progress' },
  });
}

const stateOf = async (id: JobId) => (await getJob(db, id))?.state;
const COMPLETING = { status: 'completing', downloadId: null } as const;

describe('a save the browser already completed', () => {
  it('completes the job, pieces deleted, no new save', async () => {
    const id = await storedJob(COMPLETING);
    earlierSave({ state: 'complete', fileSize: SIZE, bytesReceived: SIZE });
    await restart();
    expect(await stateOf(id)).toEqual({ status: 'completed', downloadId: 9 });
    expect(await listPieceBlobs(db, id)).toEqual([]);
    expect(chrome.opened).toEqual([]);
    expect(chrome.erased).toEqual([]);
  });

  it('completes a job the worker had not yet marked fetched (it was still running), and it runs no more', async () => {
    const id = await storedJob({ status: 'running' });
    earlierSave({ state: 'complete', fileSize: SIZE, bytesReceived: SIZE });
    await restart();
    expect(await stateOf(id)).toEqual({ status: 'completed', downloadId: 9 });
    expect(chrome.opened).toEqual([]);
  });

  it('completing just as the new worker cancels it, is the file: kept, not saved again', async () => {
    const id = await storedJob(COMPLETING);
    earlierSave({ state: 'in_progress', bytesReceived: 12 });
    chrome.beforeCancel = () => {
      Object.assign(chrome.downloads[0]!, { state: 'complete', fileSize: SIZE, bytesReceived: SIZE });
    };
    await restart();
    expect(await stateOf(id)).toEqual({ status: 'completed', downloadId: 9 });
    expect(chrome.erased).toEqual([]);
    expect(chrome.opened).toEqual([]);
  });
});

describe('a save the browser still has in progress', () => {
  it('with every byte received (only the browser is left to finish it), it is followed, not saved again', async () => {
    const id = await storedJob(COMPLETING);
    earlierSave({ state: 'in_progress', bytesReceived: SIZE });
    const manager = await restart();
    expect(chrome.cancelled).toEqual([]);
    expect(await stateOf(id)).toEqual({ status: 'completing', downloadId: 9 });
    await browserCompletes(manager, 9);
    expect(await stateOf(id)).toEqual({ status: 'completed', downloadId: 9 });
    expect(chrome.opened).toEqual([]);
  });

  it('with every byte received while the job was still running, it is followed too', async () => {
    const id = await storedJob({ status: 'running' });
    earlierSave({ state: 'in_progress', bytesReceived: SIZE });
    const manager = await restart();
    expect(await stateOf(id)).toEqual({ status: 'completing', downloadId: 9 });
    await browserCompletes(manager, 9);
    expect(await stateOf(id)).toEqual({ status: 'completed', downloadId: 9 });
    expect(chrome.opened).toEqual([]);
  });

  it('short of bytes (its stream died with the worker), it is cancelled and erased, then saved again once', async () => {
    const id = await storedJob(COMPLETING);
    earlierSave({ state: 'in_progress', bytesReceived: 12 });
    const manager = await restart();
    expect(chrome.cancelled).toEqual([9]);
    expect(chrome.erased).toEqual([9]);
    expect(chrome.opened).toHaveLength(1);
    expect(await stateOf(id)).toEqual({ status: 'completing', downloadId: 100 });
    await browserCompletes(manager, 100);
    expect(await stateOf(id)).toEqual({ status: 'completed', downloadId: 100 });
    expect(chrome.downloads.map((d) => d.id)).toEqual([100]);
  });

  it('waiting on the user (Save As open, nothing received), it is asked again, and the job is not failed', async () => {
    const id = await storedJob(COMPLETING);
    earlierSave({ state: 'in_progress', filename: '', bytesReceived: 0 });
    await restart();
    expect(chrome.erased).toEqual([9]);
    expect(chrome.opened).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200)); // the user takes their time over the new one
    expect(await stateOf(id)).toEqual({ status: 'completing', downloadId: 100 });
  });

  it('interrupted, it is erased and the file saved again once', async () => {
    const id = await storedJob(COMPLETING);
    earlierSave({ state: 'interrupted', bytesReceived: 12 });
    const manager = await restart();
    expect(chrome.erased).toEqual([9]);
    expect(chrome.opened).toHaveLength(1);
    await browserCompletes(manager, 100);
    expect(await stateOf(id)).toEqual({ status: 'completed', downloadId: 100 });
  });
});

describe('a save whose browser download never appeared', () => {
  it('is started again once, and the job completes', async () => {
    const id = await storedJob(COMPLETING);
    const manager = await restart();
    expect(chrome.opened).toHaveLength(1);
    expect(await stateOf(id)).toEqual({ status: 'completing', downloadId: 100 });
    await browserCompletes(manager, 100);
    expect(await stateOf(id)).toEqual({ status: 'completed', downloadId: 100 });
  });

  it('appearing after all (reported late to the new worker), it is discarded: no second copy', async () => {
    const id = await storedJob(COMPLETING);
    const manager = await restart();
    chrome.known({ id: 9, url: OLD_URL, filename: '/downloads/f (1).bin', state: 'in_progress' });
    manager.saves.onCreated({ id: 9, url: OLD_URL });
    await tick();
    expect(chrome.cancelled).toEqual([9]);
    expect(chrome.erased).toEqual([9]);
    await browserCompletes(manager, 100);
    expect(await stateOf(id)).toEqual({ status: 'completed', downloadId: 100 });
  });

  it('of a job still running, the job runs again (its run saves the file)', async () => {
    const id = await storedJob({ status: 'running' });
    await restart();
    expect(await stateOf(id)).toEqual({ status: 'queued' });
    expect(chrome.opened).toEqual([]);
  });
});
