import { afterAll, beforeAll, expect, it } from 'vitest';
import { noValidatorsServer, patternSource, type RangeServer, sha256Of } from '../server/index';
import { launchBrowser, type TestBrowser, waitForFile } from './browser';
import {
  clickLink,
  extensionPage,
  openPopup,
  openRequests,
  readStore,
  stopWorker,
  waitForPieces,
} from './extension';
import { createPageServer, type PageServer } from './pages';
import { sha256File } from './sha';

const MIB = 1024 * 1024;

let browser: TestBrowser;
let pages: PageServer;
let server: RangeServer;

beforeAll(async () => {
  [browser, pages] = await Promise.all([launchBrowser(), createPageServer()]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), pages?.close(), server?.close()]);
});

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start <= b.end && b.start <= a.end;

// A server that sends neither ETag nor Last-Modified: a resume can only re-check the size, and must say so.
it('resumes a download without validators after a worker stop, warns that identity was not verified', async () => {
  const source = patternSource(40 * MIB, 91);
  server = await noValidatorsServer(source, { bytesPerSecond: 2 * MIB, path: '/unverified.bin' });
  expect(server.etag).toBeNull();
  const expected = sha256Of(source);
  await extensionPage(browser); // opened first: reading IndexedDB from it later wakes nothing
  await clickLink(browser, pages, server.url);
  await waitForPieces(browser, 2);

  await stopWorker(browser);
  const requestsAtStop = server.requests.length;
  await expect.poll(() => openRequests(server), { timeout: 5_000 }).toBe(0);
  const stored = await readStore(browser);
  const [id] = Object.keys(stored.jobs);
  // Nothing to warn about before the resume. The worker may already have been woken (downloads.onChanged of
  // the save its stop broke) and resumed: its probe, logged before it answers, comes first then.
  if (server.requests.length === requestsAtStop)
    expect(stored.jobs[id as string]?.warning ?? null).toBeNull();
  const kept = stored.pieces.map(([, start, end]) => ({ start, end }));
  const requestsBefore = server.requests.length;

  const popup = await openPopup(browser); // its Port wakes the worker, which resumes the job
  const job = popup.locator('.job', { hasText: 'unverified.bin' });
  const unverified = /Could not verify the file’s identity.*only the size was re-checked/;
  // The warning comes with the resume's probe, after the popup's first snapshot.
  await expect.poll(() => job.locator('.warning').textContent(), { timeout: 10_000 }).toMatch(unverified);

  await waitForFile(browser.downloadDir, 'unverified.bin', source.size, { timeoutMs: 60_000 });
  expect(await sha256File(`${browser.downloadDir}/unverified.bin`)).toBe(await expected);
  // The resume had no validator to send, and asked for no byte stored before the stop.
  const resumed = server.requests.slice(requestsBefore);
  expect(resumed.length).toBeGreaterThan(0);
  for (const r of resumed) {
    expect(r.ifRange).toBeNull();
    const m = /^bytes=(\d+)-(\d*)$/.exec(r.range ?? '');
    expect(m).not.toBeNull();
    const range = { start: Number(m?.[1]), end: m?.[2] ? Number(m[2]) : source.size - 1 };
    expect(kept.filter((p) => overlaps(p, range))).toEqual([]);
  }
  // Once done, the job still carries the warning: in IndexedDB and in the popup's own line.
  await job.locator('.state.completed').waitFor();
  const record = (await readStore(browser)).jobs[id as string];
  expect(record?.state.status).toBe('completed');
  expect(record?.warning).toMatch(unverified);
  expect(record?.note).toMatch(/^resumed after/); // the note moved on; the warning stayed
  expect(await job.locator('.warning').textContent()).toMatch(unverified);
  await popup.close();
});
