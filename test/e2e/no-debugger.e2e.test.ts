import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  patternSource,
  type RangeServer,
  type RequestRecord,
  sha256Of,
  throttledServer,
} from '../server/index';
import { listDownloads, waitForFile } from './browser';
import { rangedBytes, sleep } from './extension';
import { createPageServer, linkPage, type PageServer } from './pages';
import { launchRawBrowser, type RawBrowser } from './raw-chromium';
import { sha256File } from './sha';

const MIB = 1024 * 1024;
const KIB = 1024;

let browser: RawBrowser;
let pages: PageServer;
let server: RangeServer;

beforeAll(async () => {
  [browser, pages] = await Promise.all([launchRawBrowser(), createPageServer()]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), pages?.close(), server?.close()]);
});

/**
 * The one long test (docs/platform.md facts 1 and 2), in a browser with no debugger on the worker: Chromium's
 * own idle rule applies. The worker is stopped once early; with no page open, what starts it again is an
 * extension event: the keep-alive alarm, or (sooner) the browser reporting the save stream the stopped worker
 * was serving interrupted. After that the download runs for more than 90 s, three times the idle limit, and
 * must never be cut.
 */
it('with no debugger attached, a stopped worker starts again by itself and a 90 s download is never cut', async () => {
  // 48 MiB over 6 connections of 80 KiB/s: about 100 s of transfer.
  const source = patternSource(48 * MIB, 51);
  server = await throttledServer(source, { bytesPerSecond: 80 * KIB }, { path: '/long.bin' });
  const expected = sha256Of(source);
  const startedAt = Date.now();
  await expect.poll(() => browser.workerTarget(), { timeout: 20_000 }).not.toBeNull();
  // A worker that has just started may not have its listeners registered yet: the first download would go by.
  await sleep(2_000);
  // A page that clicks its own link: a browser download, taken over by the extension.
  pages.html = `${linkPage(server.url)}<script>document.getElementById('file').click()</script>`;
  await browser.send('Target.createTarget', { url: pages.origin });
  await expect
    .poll(() => rangedBytes(server), { timeout: 20_000 })
    .toBeGreaterThan(1 * MIB)
    .catch(async (error: Error) => {
      const seen = server.requests.map((r) => `${r.range ?? 'GET'} ${r.status} ${r.bytesSent}`).join('; ');
      const files = (await listDownloads(browser.downloadDir)).join(', ');
      throw new Error(`${error.message}; server saw [${seen}], downloads [${files}]`);
    });

  const target = await browser.workerTarget();
  expect(target).not.toBeNull();
  const requestsBefore = server.requests.length;
  await browser.send('Target.closeTarget', { targetId: target });
  // Every request of the stopped worker ends (new ones may already have begun: see below).
  await expect
    .poll(() => server.requests.slice(0, requestsBefore).every((r) => r.endedAtMs !== null), {
      timeout: 5_000,
    })
    .toBe(true);
  const stoppedAt = Date.now();
  await expect
    .poll(() => server.requests.length, { timeout: 40_000, interval: 250 })
    .toBeGreaterThan(requestsBefore);
  const wokeAfterMs = Date.now() - stoppedAt;

  await waitForFile(browser.downloadDir, 'long.bin', source.size, { timeoutMs: 150_000, pollMs: 500 });
  const elapsedMs = Date.now() - startedAt;
  expect(await sha256File(`${browser.downloadDir}/long.bin`)).toBe(await expected);
  const resumed = server.requests.slice(requestsBefore);
  const { spanMs, longestGapMs } = activity(resumed);
  console.info(
    `the worker woke after ${(wokeAfterMs / 1000).toFixed(1)} s; then ${(spanMs / 1000).toFixed(1)} s ` +
      `of transfer over ${resumed.length} requests, longest pause ${longestGapMs.toFixed(0)} ms; ` +
      `${(elapsedMs / 1000).toFixed(1)} s in all`,
  );
  expect(wokeAfterMs).toBeLessThan(35_000);
  // Three times Chromium's idle limit without a debugger, and never a moment without a request under way:
  // a terminated worker would leave a gap until its alarm.
  expect(spanMs).toBeGreaterThan(90_000);
  expect(longestGapMs).toBeLessThan(2_000);
}, 240_000);

/** How long the requests spanned, and the longest time inside that span with none of them open. */
function activity(requests: readonly RequestRecord[]): { spanMs: number; longestGapMs: number } {
  const spans = requests
    .map((r) => ({ start: r.startedAtMs, end: r.endedAtMs ?? performance.now() }))
    .sort((a, b) => a.start - b.start);
  let longestGapMs = 0;
  let reach = spans[0]?.start ?? 0;
  for (const span of spans) {
    longestGapMs = Math.max(longestGapMs, span.start - reach);
    reach = Math.max(reach, span.end);
  }
  return { spanMs: reach - (spans[0]?.start ?? reach), longestGapMs };
}
