import { beforeEach, describe, expect, it } from 'vitest';
import type { BrowserFile, Match } from '../../src/background/browser-match';
import type { ChosenName } from '../../src/background/chosen-name';
import type { NewJob } from '../../src/background/job-records';
import { startOwnDownload } from '../../src/background/own-downloads';
import { listSkipped } from '../../src/background/skipped';
import { type NewBrowserDownload, takeOver } from '../../src/background/take-over';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import type { JobId } from '../../src/store/schema';
import { installFakeChrome } from './fake-chrome';

/** downloads.onCreated for the browser's own downloads: which are taken over, and what the browser is told. */

const MIB = 1024 * 1024;
const big: NewBrowserDownload = {
  id: 3,
  url: 'https://files.example/get?id=1',
  finalUrl: 'https://cdn.example/a.iso',
  referrer: 'https://files.example/page',
  incognito: false,
  totalBytes: 64 * MIB,
  mime: 'application/x-iso9660-image',
};

/** Everything the take-over did, in order. */
let log: string[];
let added: NewJob[];
let probed: { file: BrowserFile; pageUrl: string | null }[];
let skipNotices: number;
let match: Match;
let name: ChosenName;
let adoptable: boolean;
const browserValidators = { etag: '"v1"', lastModified: null };

beforeEach(() => {
  installFakeChrome();
  log = [];
  added = [];
  probed = [];
  skipNotices = 0;
  match = { same: true };
  name = { kind: 'named', name: 'chosen.iso' };
  adoptable = false;
});

function created(item: NewBrowserDownload, settings = DEFAULT_SETTINGS): Promise<void> {
  return takeOver(item, {
    settings: async () => settings,
    browser: {
      pause: async (id) => void log.push(`pause ${id}`),
      resume: async (id) => void log.push(`resume ${id}`),
      cancelAndErase: async (id) => void log.push(`cancel+erase ${id}`),
      chosenName: async (id) => {
        log.push(`name ${id}`);
        return name;
      },
    },
    probe: async (file, pageUrl, time) => {
      log.push(time ? 'probe' : 'probe (not timed)');
      probed.push({ file, pageUrl });
      // An untimed probe reports no rate, as browser-match.ts does.
      return time || !match.same ? match : { same: true };
    },
    validators: (url) => (url === big.finalUrl ? browserValidators : null),
    adopt: async (link) => {
      log.push(`adopt ${link.originalUrl}`);
      return adoptable;
    },
    add: async (job) => {
      log.push('add');
      added.push(job);
      return 'job-1' as JobId;
    },
    rename: async (id, n) => void log.push(`rename ${id} ${n}`),
    cancel: async (id) => void log.push(`cancel job ${id}`),
    onSkipped: () => skipNotices++,
  });
}

describe('taking over a browser download', () => {
  it('pauses it, probes the resolved URL, queues the job, names it as the browser did, then cancels and erases the download', async () => {
    await created(big);
    expect(log).toEqual([
      'pause 3',
      'probe',
      'adopt https://files.example/get?id=1',
      'add',
      'name 3',
      'rename job-1 chosen.iso',
      'cancel+erase 3',
    ]);
    expect(probed).toEqual([
      {
        file: {
          url: 'https://cdn.example/a.iso',
          sizeBytes: 64 * MIB,
          mime: 'application/x-iso9660-image',
          // What the browser's response from the resolved URL said, for the probe to compare.
          validators: browserValidators,
        },
        pageUrl: 'https://files.example/page',
      },
    ]);
    expect(added).toEqual([
      {
        url: 'https://cdn.example/a.iso',
        originalUrl: 'https://files.example/get?id=1',
        referrer: 'https://files.example/page',
        origin: 'auto',
        filename: 'a.iso',
        sizeBytes: 64 * MIB,
      },
    ]);
    expect(await listSkipped()).toEqual([]);
  });

  it('resumes the browser download untouched when the probe finds another file, and says why', async () => {
    match = { same: false, reason: 'the site refused the accelerator’s request (HTTP 405)' };
    await created(big);
    expect(log).toEqual(['pause 3', 'probe', 'resume 3']);
    expect(added).toEqual([]);
    expect(skipNotices).toBe(1);
    expect((await listSkipped()).map((n) => [n.url, n.reason])).toEqual([
      ['https://cdn.example/a.iso', 'the site refused the accelerator’s request (HTTP 405)'],
    ]);
  });

  it('leaves a download to the browser when one connection already outruns the extension, and says why', async () => {
    match = { same: true, bytesPerSecond: 200 * MIB };
    await created(big);
    expect(log).toEqual(['pause 3', 'probe', 'adopt https://files.example/get?id=1', 'resume 3']);
    expect(added).toEqual([]);
    expect((await listSkipped()).map((n) => n.reason)).toEqual([
      'one connection is already fast (200 MiB/s): parallel ranges would not help',
    ]);
  });

  it('takes a fast download over all the same when a speed limit of the user’s would hold it back', async () => {
    match = { same: true, bytesPerSecond: 200 * MIB };
    await created(big, { ...DEFAULT_SETTINGS, perDownloadLimitBytesPerSecond: 4 * MIB });
    expect(log.slice(0, 2)).toEqual(['pause 3', 'probe (not timed)']);
    expect(log.at(-1)).toBe('cancel+erase 3');
    expect(added).toHaveLength(1);
    // A slower connection is taken over with no limit at all.
    log = [];
    match = { same: true, bytesPerSecond: 8 * MIB };
    await created(big);
    expect(log.at(-1)).toBe('cancel+erase 3');
    // The probe's timing goes with the job, which sizes its first pieces by it.
    expect(added.at(-1)?.probedBytesPerSecond).toBe(8 * MIB);
  });

  it('lets a paused job waiting for a fresh link adopt the new download, even a fast one, instead of queuing another', async () => {
    match = { same: true, bytesPerSecond: 200 * MIB };
    adoptable = true;
    await created(big);
    expect(log).toEqual(['pause 3', 'probe', 'adopt https://files.example/get?id=1', 'cancel+erase 3']);
    expect(added).toEqual([]);
  });

  it('cancels the job when the browser download ends before it is named (the user cancelled "Save as")', async () => {
    name = { kind: 'ended' };
    await created(big);
    expect(log.slice(-2)).toEqual(['name 3', 'cancel job job-1']);
    expect(log).not.toContain('cancel+erase 3');
  });

  it('keeps the URL’s name when the browser names nothing in time, and still takes the download', async () => {
    name = { kind: 'unnamed' };
    await created(big);
    expect(log.slice(-2)).toEqual(['name 3', 'cancel+erase 3']);
  });

  it('sends no Referer when the browser reported none', async () => {
    await created({ ...big, referrer: '' });
    expect(added[0]?.referrer).toBeNull();
    expect(probed[0]?.pageUrl).toBeNull();
  });

  it('leaves small, blob:, incognito, other extensions’ and its own downloads alone, and all when auto-capture is off, without a note', async () => {
    await created({ ...big, totalBytes: MIB });
    await created({ ...big, byExtensionId: 'fakemiedkhlmlmmbccllciacifpncpfc' });
    await created({ ...big, byExtensionId: 'abcdefghijklmnopabcdefghijklmnop' });
    await created({ ...big, incognito: true });
    await created({ ...big, url: 'blob:https://files.example/1', finalUrl: undefined });
    await created(big, { ...DEFAULT_SETTINGS, autoCapture: false });
    expect(log).toEqual([]);
    expect(skipNotices).toBe(0);
    expect(await listSkipped()).toEqual([]);
  });

  it('notes a download it leaves to the browser for a reason the user should know, without pausing it', async () => {
    await created(big, { ...DEFAULT_SETTINGS, excludedDomains: ['cdn.example'] });
    await created(big, { ...DEFAULT_SETTINGS, excludedDomains: ['files.example'] });
    expect(log).toEqual([]);
    expect(skipNotices).toBe(2);
    expect((await listSkipped()).map((n) => n.reason)).toEqual([
      'files.example is an excluded domain',
      'cdn.example is an excluded domain',
    ]);
  });

  it('never takes over the download of a job it handed back to the browser, once per hand-back', async () => {
    const url = 'https://files.example/handed.bin';
    const id = await startOwnDownload(url);
    await created({ ...big, id, url, finalUrl: url });
    expect(log).toEqual([]);
    // The same URL clicked again afterwards is the user's, and taken over.
    await created({ ...big, id: id + 1, url, finalUrl: url });
    expect(log[0]).toBe(`pause ${id + 1}`);
    expect(added).toHaveLength(1);
  });
});
