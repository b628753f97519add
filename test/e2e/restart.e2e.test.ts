import { afterAll, beforeAll, expect, it } from 'vitest';
import { patternSource, type RangeServer, sha256Of, throttledServer } from '../server/index';
import { EXTENSION_ORIGIN, launchBrowser, type TestBrowser, waitForFile } from './browser';
import { createPageServer, linkPage, type PageServer } from './pages';
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

// DESIGN facts 1 and 2: Chromium may stop the worker at any time; the job must resume from IndexedDB.
it('resumes a job from its stored pieces after the service worker is stopped mid-download', async () => {
  const source = patternSource(96 * MIB, 31);
  server = await throttledServer(source, { bytesPerSecond: 2 * MIB }, { path: '/restart.bin' });
  const expected = sha256Of(source);
  pages.html = linkPage(server.url);
  await browser.page.goto(pages.origin);
  await browser.page.click('#file');
  // Six 16 MiB ranges: past 60 MiB every connection has committed at least one 8 MiB piece.
  await expect.poll(() => server.bytesSent, { timeout: 20_000 }).toBeGreaterThan(60 * MIB);

  const cdp = await browser.context.newCDPSession(browser.page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  const requestsBefore = server.requests.length;
  await new Promise((r) => setTimeout(r, 1000));
  expect(server.requests.filter((r) => r.endedAtMs === null)).toHaveLength(0); // the fetches died with it

  // Any extension event wakes the worker; opening the popup is the one a user would cause.
  const popup = await browser.context.newPage();
  await popup.goto(`${EXTENSION_ORIGIN}/src/popup/popup.html`);
  await waitForFile(browser.downloadDir, 'restart.bin', source.size, { timeoutMs: 60_000 });
  expect(await sha256File(`${browser.downloadDir}/restart.bin`)).toBe(await expected);
  const resumed = server.requests.slice(requestsBefore);
  expect(resumed.length).toBeGreaterThan(0);
  expect(resumed.every((r) => r.ifRange !== null && r.range !== 'bytes=0-')).toBe(true);
  // Far less than the whole file again: the committed pieces (6 x 8 MiB at least) were kept.
  expect(resumed.reduce((sum, r) => sum + r.bytesSent, 0)).toBeLessThan(source.size * 0.75);
});
