import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { patternSource, type RangeServer, sha256Of, throttledServer } from '../server/index';
import { EXTENSION_ORIGIN, launchBrowser, type TestBrowser, waitForFile } from './browser';
import { createPageServer, linkPage, type PageServer } from './pages';
import { sha256File } from './sha';

const MIB = 1024 * 1024;
const ARTIFACTS = resolve(import.meta.dirname, '../../test-results');

let browser: TestBrowser;
let pages: PageServer;
let server: RangeServer;

beforeAll(async () => {
  [browser, pages] = await Promise.all([launchBrowser(), createPageServer()]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), pages?.close(), server?.close()]);
});

it('(e) the popup shows a running job live, and pause and resume work', async () => {
  const source = patternSource(48 * MIB, 21);
  server = await throttledServer(source, { bytesPerSecond: 1 * MIB }, { path: '/slow-file.bin' });
  const expected = sha256Of(source);

  const popup = await browser.context.newPage();
  await popup.setViewportSize({ width: 420, height: 300 });
  await popup.goto(`${EXTENSION_ORIGIN}/src/popup/popup.html`);
  await popup.locator('#empty').waitFor({ state: 'visible' });

  pages.html = linkPage(server.url);
  await browser.page.goto(pages.origin);
  await browser.page.click('#file');

  const job = popup.locator('.job').first();
  await job.locator('.state.running').waitFor();
  await expect
    .poll(async () => popup.locator('.job progress').evaluate((p: HTMLProgressElement) => p.value))
    .toBeGreaterThan(2);
  const stats = await job.locator('.stats').textContent();
  expect(stats).toMatch(/of 48 MiB · \d+% · [\d.]+ [KM]iB\/s · .* left · [1-6] connections?/);
  await mkdir(ARTIFACTS, { recursive: true });
  await popup.screenshot({ path: resolve(ARTIFACTS, 'popup-running.png') });

  await job.locator('button.action-pause').click();
  await job.locator('.state.paused').waitFor();
  await new Promise((r) => setTimeout(r, 300)); // let aborted responses wind down
  const sentWhenPaused = server.bytesSent;
  const requestsWhenPaused = server.requests.length;
  await new Promise((r) => setTimeout(r, 1500));
  expect(server.bytesSent - sentWhenPaused).toBeLessThan(MIB / 2);
  expect(server.requests.length).toBe(requestsWhenPaused);

  await job.locator('button.action-resume').click();
  await waitForFile(browser.downloadDir, 'slow-file.bin', source.size, { timeoutMs: 90_000 });
  expect(await sha256File(`${browser.downloadDir}/slow-file.bin`)).toBe(await expected);
  // Resumed requests only ask for the missing ranges, guarded by If-Range.
  const resumed = server.requests.slice(requestsWhenPaused);
  expect(resumed.length).toBeGreaterThan(0);
  expect(resumed.every((r) => r.ifRange !== null && !r.range?.startsWith('bytes=0-'))).toBe(true);
  await job.locator('.state.completed').waitFor();
  await popup.screenshot({ path: resolve(ARTIFACTS, 'popup-completed.png') });
});
