import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROBE_BYTES } from '../../src/background/browser-match';
import { patternSource, type RangeServer, sha256Of, throttledServer } from '../server/index';
import { EXTENSION_ORIGIN, launchBrowser, listDownloads, type TestBrowser, waitForFile } from './browser';
import { clickLink, openPopup, openRequests, readStore, waitForPieces } from './extension';
import { createPageServer, type PageServer } from './pages';
import { sha256File } from './sha';

const MIB = 1024 * 1024;

let browser: TestBrowser;
let pages: PageServer;
let cdp: CDPSession;
const servers: RangeServer[] = [];

beforeAll(async () => {
  [browser, pages] = await Promise.all([launchBrowser(), createPageServer()]);
  cdp = await browser.context.newCDPSession(browser.page);
});
afterAll(async () => {
  await Promise.all([browser?.close(), pages?.close(), ...servers.map((s) => s.close())]);
});

/**
 * Forces the extension's quota (what navigator.storage.estimate() reports); no size lifts the override. With
 * unlimitedStorage Chromium does not refuse writes over it, but the worker checks the estimate itself.
 */
async function setQuota(quotaSize: number | null): Promise<void> {
  await cdp.send('Storage.overrideQuotaForOrigin', {
    origin: EXTENSION_ORIGIN,
    ...(quotaSize === null ? {} : { quotaSize }),
  });
}

/** The extension's storage use, as the worker's estimate sees it (read from one of its pages). */
function usage(extensionPage: Page): Promise<number> {
  return extensionPage.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
}

async function startDownload(name: string, sizeBytes: number, seed: number): Promise<RangeServer> {
  const server = await throttledServer(
    patternSource(sizeBytes, seed),
    { bytesPerSecond: 2 * MIB },
    { path: `/${name}` },
  );
  servers.push(server);
  await clickLink(browser, pages, server.url);
  return server;
}

it('a download larger than the quota pauses before fetching, and completes once the quota is lifted', async () => {
  const popup = await openPopup(browser);
  await setQuota(16 * MIB);
  const server = await startDownload('too-big.bin', 32 * MIB, 81);
  const job = popup.locator('.job', { hasText: 'too-big.bin' });
  await job.locator('.state.paused').waitFor();
  expect(await job.locator('.note').textContent()).toMatch(
    /not enough storage space: 64\.0 MiB needed \(the rest of the file and its saved copy\)/,
  );
  // Checked before the engine's first request (the browser said how large it is): only the take-over's probe.
  expect(server.requests.filter((r) => r.range !== null).map((r) => r.range)).toEqual([
    `bytes=0-${PROBE_BYTES - 1}`,
  ]);
  expect((await readStore(browser)).pieces).toEqual([]);
  expect(await listDownloads(browser.downloadDir)).toEqual([]);

  await setQuota(null);
  await job.locator('button.action-resume').click();
  await waitForFile(browser.downloadDir, 'too-big.bin', server.source.size, { timeoutMs: 60_000 });
  expect(await sha256File(`${browser.downloadDir}/too-big.bin`)).toBe(await sha256Of(server.source));
  await popup.close();
});

it('a quota that shrinks mid-download pauses the job, keeps its pieces, and resume completes it', async () => {
  const popup = await openPopup(browser);
  const server = await startDownload('squeezed.bin', 64 * MIB, 82);
  const job = popup.locator('.job', { hasText: 'squeezed.bin' });
  await job.locator('.state.running').waitFor();
  await waitForPieces(browser, 2);
  await setQuota((await usage(popup)) + 4 * MIB);

  await job.locator('.state.paused').waitFor({ timeout: 10_000 });
  expect(await job.locator('.note').textContent()).toMatch(/^Paused: not enough storage space/);
  await expect.poll(() => openRequests(server), { timeout: 2_000 }).toBe(0);
  const kept = (await readStore(browser)).pieces.map(([, start, end]) => ({ start, end }));
  expect(kept.length).toBeGreaterThan(1);
  expect((await listDownloads(browser.downloadDir)).filter((f) => f.startsWith('squeezed'))).toEqual([]);
  const requestsBefore = server.requests.length;

  await setQuota(null);
  await job.locator('button.action-resume').click();
  await waitForFile(browser.downloadDir, 'squeezed.bin', server.source.size, { timeoutMs: 60_000 });
  expect(await sha256File(`${browser.downloadDir}/squeezed.bin`)).toBe(await sha256Of(server.source));
  // Nothing lost: no piece kept at the pause is fetched again.
  for (const r of server.requests.slice(requestsBefore)) {
    const m = /^bytes=(\d+)-(\d*)$/.exec(r.range ?? '');
    expect(m).not.toBeNull();
    const [start, end] = [Number(m?.[1]), m?.[2] ? Number(m[2]) : server.source.size - 1];
    expect(kept.filter((p) => p.start <= end && start <= p.end)).toEqual([]);
  }
  await popup.close();
});
