import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { JobView, Snapshot } from '../../src/shared/job-view';
import type { Settings } from '../../src/shared/settings';
import type { JobRecord } from '../../src/store/schema';
import type { RangeServer } from '../server/index';
import { EXTENSION_ORIGIN, sendFromExtensionPage, type TestBrowser } from './browser';
import { linkPage, type PageServer } from './pages';

/** What the end-to-end tests look at from the outside: the worker's jobs, its IndexedDB, the server's log. */

/** The jobs as the popup sees them. */
export async function listJobs(browser: TestBrowser): Promise<JobView[]> {
  const reply = (await sendFromExtensionPage(browser, { type: 'jobs/list' })) as {
    ok: boolean;
    value: { jobs: JobView[] };
  };
  if (!reply.ok) throw new Error(`jobs/list failed: ${JSON.stringify(reply)}`);
  return reply.value.jobs;
}

/** The popup's whole snapshot: the jobs, and the notes of downloads left to the browser with their reasons. */
export async function listSnapshot(browser: TestBrowser): Promise<Snapshot> {
  const reply = (await sendFromExtensionPage(browser, { type: 'jobs/list' })) as {
    ok: boolean;
    value: Snapshot;
  };
  if (!reply.ok) throw new Error(`jobs/list failed: ${JSON.stringify(reply)}`);
  return reply.value;
}

/** Clears the notes of downloads left to the browser, as the popup's button does. */
export async function clearSkipped(browser: TestBrowser): Promise<void> {
  const reply = (await sendFromExtensionPage(browser, { type: 'skipped/clear' })) as { ok: boolean };
  if (!reply.ok) throw new Error(`skipped/clear failed: ${JSON.stringify(reply)}`);
}

export async function changeSettings(browser: TestBrowser, change: Partial<Settings>): Promise<void> {
  const current = (await sendFromExtensionPage(browser, { type: 'settings/get' })) as { value: Settings };
  const settings = { ...current.value, ...change };
  const reply = (await sendFromExtensionPage(browser, { type: 'settings/set', settings })) as { ok: boolean };
  if (!reply.ok) throw new Error(`settings/set failed: ${JSON.stringify(reply)}`);
}

export interface StoredState {
  /** Every piece in the `pieces` store: [jobId, start, end]. */
  pieces: [string, number, number][];
  /** Each job's committed ranges. */
  done: Record<string, { start: number; end: number }[]>;
  /** Each job's stored record, by id. */
  jobs: Record<string, JobRecord>;
}

/**
 * Reads the extension's IndexedDB directly from an extension page (the options page, opened once). Sends no
 * message, so it never wakes a stopped worker.
 */
export async function readStore(browser: TestBrowser): Promise<StoredState> {
  const page = await extensionPage(browser);
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('accelerator');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = <T>(store: string) =>
      new Promise<T[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result as T[]);
        request.onerror = () => reject(request.error);
      });
    const [pieces, jobs] = await Promise.all([
      all<{ jobId: string; start: number; end: number }>('pieces'),
      all<JobRecord>('jobs'),
    ]);
    db.close();
    return {
      pieces: pieces.map((p): [string, number, number] => [p.jobId, p.start, p.end]),
      done: Object.fromEntries(jobs.map((j) => [j.id, j.done])),
      jobs: Object.fromEntries(jobs.map((j) => [j.id, j])),
    };
  });
}

/** The options page, where tests send messages and read IndexedDB (opened once per browser). */
export async function extensionPage(browser: TestBrowser): Promise<Page> {
  const url = `${EXTENSION_ORIGIN}/src/options/options.html`;
  const open = browser.context.pages().find((p) => p.url() === url);
  if (open) return open;
  const page = await browser.context.newPage();
  await page.goto(url);
  return page;
}

export async function openPopup(browser: TestBrowser): Promise<Page> {
  const popup = await browser.context.newPage();
  await popup.goto(`${EXTENSION_ORIGIN}/src/popup/popup.html`);
  return popup;
}

/** Puts a link to `url` on the test page and clicks it: a browser download, for the extension to take over. */
export async function clickLink(browser: TestBrowser, pages: PageServer, url: string): Promise<void> {
  pages.html = linkPage(url);
  await browser.page.goto(pages.origin);
  await browser.page.click('#file');
}

/** Waits until more than `atLeast - 1` pieces are stored (of job `jobId`, or of any); returns them. */
export async function waitForPieces(
  browser: TestBrowser,
  atLeast: number,
  { jobId, timeoutMs = 30_000 }: { jobId?: string | null; timeoutMs?: number } = {},
): Promise<{ start: number; end: number }[]> {
  let pieces: { start: number; end: number }[] = [];
  try {
    await expect
      .poll(
        async () => {
          pieces = (await readStore(browser)).pieces
            .filter(([id]) => jobId === undefined || id === jobId)
            .map(([, start, end]) => ({ start, end }));
          return pieces.length;
        },
        { timeout: timeoutMs },
      )
      .toBeGreaterThanOrEqual(atLeast);
  } catch (error) {
    // Say what the worker did instead: a job's state and note, or why the download was left to the browser.
    const snapshot = await listSnapshot(browser).catch((e: unknown) => `no snapshot: ${String(e)}`);
    const seen =
      typeof snapshot === 'string'
        ? snapshot
        : JSON.stringify({
            jobs: snapshot.jobs.map((j) => ({ state: j.state, note: j.note, doneBytes: j.doneBytes })),
            skipped: snapshot.skipped,
          });
    throw new Error(`${pieces.length} of ${atLeast} pieces stored; the worker shows ${seen}`, {
      cause: error,
    });
  }
  return pieces;
}

/**
 * Stops the extension's service worker as Chromium does when it deems it idle
 * (docs/platform.md facts 1 and 2).
 */
export async function stopWorker(browser: TestBrowser): Promise<void> {
  const cdp = await browser.context.newCDPSession(browser.page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.detach();
}

/** Requests still streaming. */
export function openRequests(server: RangeServer): number {
  return server.requests.filter((r) => r.endedAtMs === null).length;
}

/** Body bytes the server sent for ranged requests (the engine's), leaving out the browser's own plain GET. */
export function rangedBytes(server: RangeServer): number {
  return server.requests.filter((r) => r.range !== null).reduce((sum, r) => sum + r.bytesSent, 0);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
