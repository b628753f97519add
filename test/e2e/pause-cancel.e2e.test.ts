import { afterAll, beforeAll, expect, it } from 'vitest';
import { patternSource, type RangeServer, sha256Of, throttledServer } from '../server/index';
import {
  launchBrowser,
  listDownloads,
  sendFromExtensionPage,
  type TestBrowser,
  waitForFile,
} from './browser';
import {
  clickLink,
  extensionPage,
  listJobs,
  openPopup,
  openRequests,
  readStore,
  sleep,
  waitForPieces,
} from './extension';
import { createPageServer, type PageServer } from './pages';
import { sha256File } from './sha';

const MIB = 1024 * 1024;

let browser: TestBrowser;
let pages: PageServer;
const servers: RangeServer[] = [];

beforeAll(async () => {
  [browser, pages] = await Promise.all([launchBrowser(), createPageServer()]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), pages?.close(), ...servers.map((s) => s.close())]);
});

async function startDownload(name: string, seed: number): Promise<RangeServer> {
  const server = await throttledServer(
    patternSource(64 * MIB, seed),
    { bytesPerSecond: 1 * MIB },
    { path: `/${name}` },
  );
  servers.push(server);
  await clickLink(browser, pages, server.url);
  return server;
}

it('pause from the popup stops every request within 1 s; resume completes the file', async () => {
  const popup = await openPopup(browser);
  const server = await startDownload('paused.bin', 71);
  const expected = sha256Of(server.source);
  const job = popup.locator('.job', { hasText: 'paused.bin' });
  await job.locator('.state.running').waitFor();
  await expect.poll(() => server.bytesSent, { timeout: 20_000 }).toBeGreaterThan(12 * MIB);

  await job.locator('button.action-pause').click();
  const clickedAt = Date.now();
  await expect.poll(() => openRequests(server), { timeout: 5_000, interval: 20 }).toBe(0);
  const stoppedMs = Date.now() - clickedAt;
  await job.locator('.state.paused').waitFor();
  const [sent, requests] = [server.bytesSent, server.requests.length];
  await sleep(1500);
  expect(stoppedMs).toBeLessThan(1000);
  expect(server.bytesSent).toBe(sent);
  expect(server.requests.length).toBe(requests);
  const kept = (await readStore(browser)).pieces.length;
  console.info(`pause: every request closed ${stoppedMs} ms after the click; ${kept} pieces kept`);

  await job.locator('button.action-resume').click();
  await waitForFile(browser.downloadDir, 'paused.bin', server.source.size, { timeoutMs: 60_000 });
  expect(await sha256File(`${browser.downloadDir}/paused.bin`)).toBe(await expected);
  const resumed = server.requests.slice(requests);
  expect(resumed.length).toBeGreaterThan(0);
  expect(resumed.every((r) => r.ifRange !== null && !r.range?.startsWith('bytes=0-'))).toBe(true);
  await popup.close();
});

it('cancel from the popup stops the requests and leaves neither pieces nor the job in IndexedDB', async () => {
  const popup = await openPopup(browser);
  const server = await startDownload('cancelled.bin', 72);
  const job = popup.locator('.job', { hasText: 'cancelled.bin' });
  await job.locator('.state.running').waitFor();
  const id = await job.getAttribute('data-job-id');
  expect(id).not.toBeNull();
  await waitForPieces(browser, 1, { jobId: id });

  await job.locator('button.action-cancel').click();
  await job.waitFor({ state: 'detached' }); // the popup no longer lists it
  await expect.poll(() => openRequests(server), { timeout: 2_000 }).toBe(0);
  // Writes that were in flight when the cancel came must not leave pieces behind either.
  await sleep(1000);
  const stored = await readStore(browser);
  expect(stored.pieces.filter(([jobId]) => jobId === id)).toEqual([]);
  expect(Object.keys(stored.jobs)).not.toContain(id);
  expect((await listJobs(browser)).map((j) => j.id)).not.toContain(id);
  expect((await listDownloads(browser.downloadDir)).filter((f) => f.startsWith('cancelled'))).toEqual([]);
  await popup.close();
});

it("cancelling the save in the browser's downloads list pauses the job; resume completes the file", async () => {
  const server = await startDownload('cancelled-in-browser.bin', 73);
  const expected = sha256Of(server.source);
  const page = await extensionPage(browser);
  // The browser's save of the job starts with it (the file is written while it is fetched).
  let saveId: number | undefined;
  await expect
    .poll(
      async () => {
        const items = await page.evaluate(() => chrome.downloads.search({ state: 'in_progress' }));
        saveId = items.find((i) => i.url.includes('/save/'))?.id;
        return saveId;
      },
      { timeout: 20_000 },
    )
    .toBeDefined();
  await waitForPieces(browser, 2);

  // What the user's Cancel in the downloads list does.
  await page.evaluate((id) => chrome.downloads.cancel(id), saveId as number);
  const job = async () => (await listJobs(browser)).find((j) => j.filename === 'cancelled-in-browser.bin');
  await expect.poll(async () => (await job())?.state.status, { timeout: 5_000 }).toBe('paused');
  await expect.poll(() => openRequests(server), { timeout: 5_000 }).toBe(0);
  expect((await job())?.note).toMatch(/cancelled in the browser/);

  const id = (await job())?.id as string;
  expect(await sendFromExtensionPage(browser, { type: 'job/resume', jobId: id })).toMatchObject({ ok: true });
  await waitForFile(browser.downloadDir, 'cancelled-in-browser.bin', server.source.size, {
    timeoutMs: 60_000,
  });
  expect(await sha256File(`${browser.downloadDir}/cancelled-in-browser.bin`)).toBe(await expected);
});
