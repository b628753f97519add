import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BrowserDownloads } from '../../src/background/hand-off';
import { JobManager } from '../../src/background/job-manager';
import { HostPool } from '../../src/engine/host-pool';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { getJob, listJobs, putJob } from '../../src/store/jobs';
import { putPiece } from '../../src/store/pieces';
import { type JobId, type JobRecord, newJobId, openStore, type Store } from '../../src/store/schema';
import { listPieceBlobs, runningJob, testRemote } from '../helpers/stored-jobs';
import { type FakeChrome, installFakeChrome } from './fake-chrome';

/**
 * The job manager over a real (fake-indexeddb) store and a faked browser: what a worker that starts (after
 * termination or a browser restart) does with the jobs it finds stored, cancel, and retry.
 */

const SIZE = 20;
const remote = testRemote(SIZE);
const URL = remote.url;

let db: Store;
let chrome: FakeChrome;
let browser: BrowserDownloads & { starts: string[]; found: number | null; fail: boolean };

beforeEach(async () => {
  db = await openStore(`restore-${Math.random()}`);
  chrome = installFakeChrome();
  browser = {
    starts: [],
    found: null,
    fail: false,
    async start(url) {
      browser.starts.push(url);
      if (browser.fail) throw new Error('Invalid URL');
      return 500 + browser.starts.length;
    },
    find: async () => browser.found,
  };
});
afterEach(() => db.close());

/** A new worker lifetime: a fresh manager over the same store. `slots` 0 starts no queued job. */
function worker({ slots = DEFAULT_SETTINGS.concurrentDownloads } = {}): JobManager {
  const settings = async () => ({ ...DEFAULT_SETTINGS, concurrentDownloads: slots });
  const manager = new JobManager(db, { settings, onChange: () => {}, browser, traffic });
  chrome.onCreated = (item) => manager.saves.onCreated(item);
  return manager;
}

const SAVE_URL = /^chrome-extension:\/\/fakemiedkhlmlmmbccllciacifpncpfc\/save\/[0-9a-f-]{36}$/;

const traffic = {
  hostPool: async () => new HostPool({ maxPerHost: 6 }),
  limitsFor: () => [],
  release: () => {},
};

/** A job with every byte stored (two pieces), in `state`. */
async function storedJob(state: JobRecord['state'], extra: Partial<JobRecord> = {}): Promise<JobId> {
  const id = newJobId();
  await putJob(db, runningJob(id, remote, { createdAt: Date.now() - 1000 }));
  await putPiece(db, id, 0, new Blob([new Uint8Array(10)]));
  await putPiece(db, id, 10, new Blob([new Uint8Array(10)]));
  await db.put('jobs', { ...(await getJob(db, id))!, state, ...extra });
  return id;
}

/** Restore starts a save without waiting for it (see JobManager.restore): the browser reports it just after. */
const saveReported = () => new Promise((r) => setTimeout(r, 20));

async function complete(manager: JobManager, downloadId: number): Promise<void> {
  const item = chrome.downloads.find((d) => d.id === downloadId);
  if (item) {
    item.state = 'complete';
    item.fileSize = SIZE;
  }
  await manager.onDownloadChanged({
    id: downloadId,
    state: { current: 'complete', previous: 'in_progress' },
  });
}

describe('a job whose pieces were all stored but whose file was not saved yet', () => {
  it('is saved when the worker stopped before asking the browser: a save stream opened, then complete', async () => {
    const id = await storedJob({ status: 'completing', downloadId: null });
    const manager = worker();
    await manager.restore();
    await saveReported();
    expect(chrome.opened).toHaveLength(1);
    expect(chrome.opened[0]).toMatch(SAVE_URL);
    const job = await getJob(db, id);
    expect(job?.state).toEqual({ status: 'completing', downloadId: 100 });
    expect(job?.saveUrl).toBe(chrome.opened[0]);

    await complete(manager, 100);
    expect((await getJob(db, id))?.state).toEqual({ status: 'completed', downloadId: 100 });
    expect(await listPieceBlobs(db, id)).toEqual([]);
  });

  it('cancels and erases the save an earlier worker left in progress (its stream died with it), then saves again', async () => {
    const old = 'chrome-extension://fakemiedkhlmlmmbccllciacifpncpfc/save/old';
    const id = await storedJob({ status: 'completing', downloadId: null }, { saveUrl: old });
    chrome.known({ id: 9, url: old, filename: 'f.bin', state: 'in_progress' });
    const manager = worker();
    await manager.restore();
    await saveReported();
    expect(chrome.cancelled).toEqual([9]);
    expect(chrome.erased).toEqual([9]);
    expect(chrome.opened).toHaveLength(1);
    expect((await getJob(db, id))?.state).toEqual({ status: 'completing', downloadId: 100 });
    await complete(manager, 100);
    expect((await getJob(db, id))?.state).toEqual({ status: 'completed', downloadId: 100 });
  });

  it('is saved again when the browser interrupted the save', async () => {
    const id = await storedJob({ status: 'completing', downloadId: 7 });
    chrome.known({ id: 7, url: 'chrome-extension://x/save/old', filename: 'f.bin', state: 'interrupted' });
    const manager = worker();
    await manager.restore();
    await saveReported();
    expect(chrome.erased).toEqual([7]);
    expect((await getJob(db, id))?.state).toEqual({ status: 'completing', downloadId: 100 });
    await complete(manager, 100);
    expect((await getJob(db, id))?.state.status).toBe('completed');
  });

  it('is marked completed, pieces deleted, when the browser finished the save while the worker was stopped', async () => {
    const id = await storedJob({ status: 'completing', downloadId: 7 });
    chrome.known({
      id: 7,
      url: 'chrome-extension://x/save/old',
      filename: 'f.bin',
      state: 'complete',
      fileSize: SIZE,
    });
    await worker().restore();
    expect(chrome.opened).toEqual([]);
    expect((await getJob(db, id))?.state).toEqual({ status: 'completed', downloadId: 7 });
    expect(await listPieceBlobs(db, id)).toEqual([]);
  });

  it('never counts a saved file short of the size as the file: it is deleted and the job saves again', async () => {
    const id = await storedJob({ status: 'completing', downloadId: 7 });
    chrome.known({
      id: 7,
      url: 'chrome-extension://x/save/old',
      filename: 'f.bin',
      state: 'complete',
      fileSize: 12,
    });
    const manager = worker();
    await manager.restore();
    await saveReported();
    expect(chrome.removedFiles).toEqual([7]);
    expect((await getJob(db, id))?.state).toEqual({ status: 'completing', downloadId: 100 });
  });

  it('fails, keeping its pieces, when the browser reports a save complete with bytes missing', async () => {
    const id = await storedJob({ status: 'completing', downloadId: null });
    const manager = worker();
    await manager.restore();
    await saveReported();
    const item = chrome.downloads.find((d) => d.id === 100)!;
    item.state = 'complete';
    item.fileSize = SIZE - 1;
    await manager.onDownloadChanged({ id: 100, state: { current: 'complete', previous: 'in_progress' } });
    const job = await getJob(db, id);
    expect(job?.state).toMatchObject({
      status: 'failed',
      error: { message: `the browser saved ${SIZE - 1} bytes of ${SIZE}` },
    });
    expect(chrome.removedFiles).toEqual([100]);
    expect(await listPieceBlobs(db, id)).toHaveLength(2);
  });
});

describe('a job handed back to the browser', () => {
  const handed = (handOff: JobRecord['handOff']) =>
    storedJob({ status: 'handed-to-browser', reason: 'no ranges' }, { handOff, done: [] });

  it('is handed back again, once, when its download never started', async () => {
    const id = await handed({ downloadId: null, tries: 1 });
    const manager = worker();
    await Promise.all([manager.restore(), manager.restore()]);
    expect(browser.starts).toEqual([URL]);
    expect((await getJob(db, id))?.handOff).toEqual({ downloadId: 501, tries: 2 });
    await worker().restore(); // the id is known now: nothing more to do
    expect(browser.starts).toEqual([URL]);
  });

  it('is not handed back a third time when the browser keeps refusing it', async () => {
    const id = await handed({ downloadId: null, tries: 1 });
    browser.fail = true;
    await worker().restore();
    await worker().restore();
    expect(browser.starts).toEqual([URL]);
    const job = await getJob(db, id);
    expect(job?.handOff).toEqual({ downloadId: null, tries: 2 });
    expect(job?.note).toMatch(/the browser could not start it: Error: Invalid URL/);
  });

  it('records the download the browser did start before the worker stopped, and starts no other', async () => {
    const id = await handed({ downloadId: null, tries: 1 });
    browser.found = 42;
    await worker().restore();
    expect(browser.starts).toEqual([]);
    expect((await getJob(db, id))?.handOff).toEqual({ downloadId: 42, tries: 1 });
  });

  it('is left alone when its download started, or when it is from before the download id was kept', async () => {
    await handed({ downloadId: 7, tries: 1 });
    await handed(undefined);
    await worker().restore();
    expect(browser.starts).toEqual([]);
  });
});

describe('cancel', () => {
  it('deletes a paused job: its record and its pieces', async () => {
    const id = await storedJob({ status: 'paused' });
    await worker().cancel(id);
    expect(await getJob(db, id)).toBeUndefined();
    expect(await listPieceBlobs(db, id)).toEqual([]);
  });

  it('deletes the browser save of a job being saved, then the job', async () => {
    const id = await storedJob({ status: 'completing', downloadId: 7 });
    chrome.known({ id: 7, url: 'chrome-extension://x/save/old', filename: 'f.bin', state: 'in_progress' });
    await worker().cancel(id);
    expect(chrome.cancelled).toEqual([7]);
    expect(chrome.erased).toEqual([7]);
    expect(await getJob(db, id)).toBeUndefined();
    expect(await listPieceBlobs(db, id)).toEqual([]);
  });

  it('on restart, a job left cancelled (the worker stopped before deleting it) is deleted, and its Referer rule', async () => {
    const id = await storedJob({ status: 'cancelled' });
    const kept = await storedJob({ status: 'paused' });
    chrome.sessionRules.push(3); // a rule the stopped worker's run had added
    await worker().restore();
    expect(chrome.sessionRules).toEqual([]);
    expect((await listJobs(db)).map((j) => j.id)).toEqual([kept]);
    expect(await listPieceBlobs(db, id)).toEqual([]);
    expect(await listPieceBlobs(db, kept)).toHaveLength(2);
  });
});

describe('retry', () => {
  const failed: JobRecord['state'] = {
    status: 'failed',
    error: { name: 'HttpStatusError', code: 'HTTP_STATUS', message: 'HTTP 500' },
  };
  const warning = 'The file changed on the server: the download restarted from zero.';

  it('keeps the warning of a job that continues from its stored pieces', async () => {
    const id = await storedJob(failed, { warning });
    await worker({ slots: 0 }).retry(id);
    const job = await getJob(db, id);
    expect(job?.state.status).toBe('queued');
    expect(job?.warning).toBe(warning);
  });

  it('clears the warning of a job that starts from zero: none of the bytes it spoke of are kept', async () => {
    const id = await storedJob(failed, { warning, done: [] });
    await db.delete('pieces', [id, 0]);
    await db.delete('pieces', [id, 10]);
    await worker({ slots: 0 }).retry(id);
    const job = await getJob(db, id);
    expect(job?.state.status).toBe('queued');
    expect(job?.warning).toBeNull();
  });
});
