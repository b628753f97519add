import { beforeEach, describe, expect, it } from 'vitest';
import type { NewJob } from '../../src/background/job-records';
import { startOwnDownload } from '../../src/background/own-downloads';
import { listSkipped } from '../../src/background/skipped';
import { type NewBrowserDownload, takeOver } from '../../src/background/take-over';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { type FakeChrome, installFakeChrome } from './fake-chrome';

/** downloads.onCreated for the browser's own downloads: which are taken over, and what the browser is told. */

const MIB = 1024 * 1024;
const big: NewBrowserDownload = {
  id: 3,
  url: 'https://files.example/get?id=1',
  finalUrl: 'https://cdn.example/a.iso',
  referrer: 'https://files.example/page',
  incognito: false,
  totalBytes: 64 * MIB,
};

let chrome: FakeChrome;
let added: NewJob[];
let skipNotices: number;
/** What the browser had been told when the job was queued. */
let cancelledBeforeAdd: number[] | null;

beforeEach(() => {
  chrome = installFakeChrome();
  added = [];
  skipNotices = 0;
  cancelledBeforeAdd = null;
});

function created(item: NewBrowserDownload, settings = DEFAULT_SETTINGS): Promise<void> {
  return takeOver(item, {
    settings: async () => settings,
    add: async (job) => {
      cancelledBeforeAdd = [...chrome.cancelled];
      added.push(job);
    },
    onSkipped: () => skipNotices++,
  });
}

describe('taking over a browser download', () => {
  it('cancels a large download before queuing its job, then erases it from the list', async () => {
    await created(big);
    expect(cancelledBeforeAdd).toEqual([3]);
    expect(chrome.erased).toEqual([3]);
    expect(added).toEqual([
      {
        url: 'https://cdn.example/a.iso',
        referrer: 'https://files.example/page',
        origin: 'auto',
        filename: 'a.iso',
        sizeBytes: 64 * MIB,
      },
    ]);
    expect(await listSkipped()).toEqual([]);
  });

  it('sends no Referer when the browser reported none', async () => {
    await created({ ...big, referrer: '' });
    expect(added[0]?.referrer).toBeNull();
  });

  it('leaves small, blob: and its own downloads to the browser, and all when auto-capture is off, without a note', async () => {
    await created({ ...big, totalBytes: MIB });
    await created({ ...big, byExtensionId: 'fakemiedkhlmlmmbccllciacifpncpfc' });
    await created({ ...big, url: 'blob:https://files.example/1', finalUrl: undefined });
    await created(big, { ...DEFAULT_SETTINGS, autoCapture: false });
    expect(chrome.cancelled).toEqual([]);
    expect(added).toEqual([]);
    expect(skipNotices).toBe(0);
    expect(await listSkipped()).toEqual([]);
  });

  it('notes a download it leaves to the browser for a reason the user should know', async () => {
    await created({ ...big, incognito: true });
    await created(big, { ...DEFAULT_SETTINGS, excludedDomains: ['cdn.example'] });
    expect(chrome.cancelled).toEqual([]);
    expect(skipNotices).toBe(2);
    const notes = await listSkipped();
    expect(notes.map((n) => [n.url, n.reason])).toEqual([
      ['https://cdn.example/a.iso', 'cdn.example is an excluded domain'],
      ['https://cdn.example/a.iso', 'incognito downloads are left to the browser'],
    ]);
  });

  it('never takes over the download of a job it handed back to the browser, once per hand-back', async () => {
    const url = 'https://files.example/handed.bin';
    const id = await startOwnDownload(url);
    await created({ ...big, id, url, finalUrl: url });
    expect(chrome.cancelled).toEqual([]);
    expect(added).toEqual([]);
    // The same URL clicked again afterwards is the user's, and taken over.
    await created({ ...big, id: id + 1, url, finalUrl: url });
    expect(chrome.cancelled).toEqual([id + 1]);
    expect(added).toHaveLength(1);
  });
});
