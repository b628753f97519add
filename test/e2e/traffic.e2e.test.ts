import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LEARNED_CAPS_KEY } from '../../src/background/traffic';
import {
  connectionLimitServer,
  correctServer,
  type FileSource,
  patternSource,
  type RangeServer,
  sha256Of,
} from '../server/index';
import { launchBrowser, type TestBrowser, waitForFile } from './browser';
import {
  changeSettings,
  clickLink,
  extensionPage,
  listJobs,
  openPopup,
  rangedBytes,
  sleep,
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

it('holds downloads to the speed limit set in the popup, and lifting it applies at once', async () => {
  const source = patternSource(32 * MIB, 71);
  const server = await correctServer(source, { path: '/limited.bin' });
  servers.push(server);
  const popup = await openPopup(browser);
  await popup.selectOption('#limit', String(MIB));
  await expect.poll(() => popup.locator('#limit').inputValue()).toBe(String(MIB));
  try {
    await limitedThenLifted(popup, server, source);
  } finally {
    await changeSettings(browser, { overallLimitBytesPerSecond: 0 });
  }
});

async function limitedThenLifted(popup: Page, server: RangeServer, source: FileSource): Promise<void> {
  await clickLink(browser, pages, server.url);
  // What the extension has read and stored, as the popup reports it.
  const done = async () =>
    (await listJobs(browser)).find((j) => j.filename === 'limited.bin')?.doneBytes ?? 0;
  await sleep(2000);
  const [before, startMs] = [await done(), performance.now()];
  await sleep(6000);
  const rate = ((await done()) - before) / ((performance.now() - startMs) / 1000);
  expect(rate).toBeLessThanOrEqual(1.1 * MIB);
  expect(rate).toBeGreaterThan(0.5 * MIB);
  // The server is held back too: pieces are asked for at the limit's pace, about 8 MiB in 8 s.
  expect(rangedBytes(server)).toBeLessThan(12 * MIB);

  await popup.selectOption('#limit', '0');
  await waitForFile(browser.downloadDir, 'limited.bin', source.size, { timeoutMs: 30_000 });
  expect(await sha256File(`${browser.downloadDir}/limited.bin`)).toBe(await sha256Of(source));
}

it('remembers in storage how many connections a host accepts (503 above 2)', async () => {
  const source = patternSource(24 * MIB, 72);
  const server = await connectionLimitServer(
    source,
    { maxConcurrent: 2, bytesPerSecond: 4 * MIB },
    { path: '/two-only.bin' },
  );
  servers.push(server);
  const page = await extensionPage(browser);
  await clickLink(browser, pages, server.url);
  await waitForFile(browser.downloadDir, 'two-only.bin', source.size, { timeoutMs: 60_000 });
  expect(await sha256File(`${browser.downloadDir}/two-only.bin`)).toBe(await sha256Of(source));
  const refused = server.requests.filter((r) => r.status === 503).length;
  // At first contact six requests go out together and four are refused, which teaches the cap at once; a
  // request sent just as another's last byte leaves may be refused before the server counts that one done.
  expect(refused).toBeGreaterThanOrEqual(1);
  expect(refused).toBeLessThanOrEqual(6);
  const stored = await page.evaluate((key) => chrome.storage.local.get(key), LEARNED_CAPS_KEY);
  expect(stored[LEARNED_CAPS_KEY]).toEqual({ [new URL(server.url).host]: 2 });
});
