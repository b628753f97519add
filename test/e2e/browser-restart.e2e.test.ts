import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { patternSource, type RangeServer, sha256Of, throttledServer } from '../server/index';
import { launchBrowser, type TestBrowser, waitForFile } from './browser';
import { clickLink, listJobs, openPopup, readStore, waitForPieces } from './extension';
import { createPageServer, type PageServer } from './pages';
import { sha256File } from './sha';

const MIB = 1024 * 1024;

let browser: TestBrowser | null = null;
let pages: PageServer;
let server: RangeServer | null = null;

beforeAll(async () => {
  pages = await createPageServer();
});
afterEach(async () => {
  await Promise.all([browser?.close(), server?.close()]);
  [browser, server] = [null, null];
});
afterAll(async () => {
  await pages?.close();
});

/**
 * Starts a download of `s`'s file and quits the browser (as a user closes it: the worker dies mid-fetch) once
 * at least two pieces are committed. Returns the profile and the pieces seen just before quitting.
 */
async function startThenQuit(s: RangeServer): Promise<{ root: string; pieces: Range[] }> {
  const first = await launchBrowser();
  browser = first;
  await clickLink(first, pages, s.url);
  const pieces = await waitForPieces(first, 2);
  await first.quit();
  return { root: first.root, pieces };
}

interface Range {
  start: number;
  end: number;
}

function requested(range: string | null, size: number): Range {
  const m = /^bytes=(\d+)-(\d*)$/.exec(range ?? '');
  if (!m) throw new Error(`not a range request: ${range}`);
  return { start: Number(m[1]), end: m[2] ? Number(m[2]) : size - 1 };
}

it('resumes a download by itself after the browser is closed and started again', async () => {
  const source = patternSource(64 * MIB, 61);
  server = await throttledServer(source, { bytesPerSecond: 1.5 * MIB }, { path: '/restarted.bin' });
  const expected = sha256Of(source);
  const { root, pieces } = await startThenQuit(server);
  const requestsBefore = server.requests.length;

  browser = await launchBrowser({ root }); // no page of the extension is opened: the worker starts itself
  await waitForFile(browser.downloadDir, 'restarted.bin', source.size, { timeoutMs: 60_000 });
  expect(await sha256File(`${browser.downloadDir}/restarted.bin`)).toBe(await expected);
  const resumed = server.requests.slice(requestsBefore);
  expect(resumed.length).toBeGreaterThan(0);
  // Every resumed request carries If-Range and asks for no byte that was committed before the quit.
  expect(resumed.every((r) => r.ifRange === server?.etag)).toBe(true);
  for (const r of resumed) {
    const range = requested(r.range, source.size);
    expect(pieces.filter((p) => p.start <= range.end && range.start <= p.end)).toEqual([]);
  }
  const job = (await listJobs(browser)).find((j) => j.url === server?.url);
  expect(job?.state.status).toBe('completed');
  expect(job?.note).toMatch(/^resumed after/);
  expect(job?.warning).toBeNull(); // the ETag matched: nothing to warn about
  expect((await readStore(browser)).pieces).toEqual([]);
});

it('restarts from zero when the file changed on the server while the browser was closed', async () => {
  const oldSource = patternSource(64 * MIB, 62);
  const newSource = patternSource(64 * MIB, 63);
  server = await throttledServer(oldSource, { bytesPerSecond: 1.5 * MIB }, { path: '/replaced.bin' });
  const expected = sha256Of(newSource);
  const oldEtag = server.etag;
  const { root } = await startThenQuit(server);
  server.setSource(newSource); // a new version, with a new ETag
  expect(server.etag).not.toBe(oldEtag);
  const requestsBefore = server.requests.length;

  browser = await launchBrowser({ root });
  await waitForFile(browser.downloadDir, 'replaced.bin', newSource.size, { timeoutMs: 60_000 });
  expect(await sha256File(`${browser.downloadDir}/replaced.bin`)).toBe(await expected);
  // The resume asked If-Range with the old tag, got the whole new file instead, and started again at 0 (a fresh
  // probe for the first piece, without If-Range).
  const after = server.requests.slice(requestsBefore);
  expect(after[0]?.ifRange).toBe(oldEtag);
  expect(after.some((r) => r.range === 'bytes=0-262143' && r.ifRange === null)).toBe(true);
  const job = (await listJobs(browser)).find((j) => j.url === server?.url);
  expect(job?.state.status).toBe('completed');
  expect(job?.note).toMatch(/changed on the server/);
  // The warning stays on the job, in IndexedDB and in the popup's own line, whatever notes came after it.
  const changed = /The file changed on the server: the download restarted from zero/;
  expect((await readStore(browser)).jobs[job?.id as string]?.warning).toMatch(changed);
  const popup = await openPopup(browser);
  expect(await popup.locator('.job', { hasText: 'replaced.bin' }).locator('.warning').textContent()).toMatch(
    changed,
  );
});
