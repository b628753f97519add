import { readdir } from 'node:fs/promises';
import { afterAll, expect, it } from 'vitest';
import { patternSource, type RangeServer, sha256Of, throttledServer } from '../../server/index';
import { createPageServer, linkPage, type PageServer } from '../pages';
import { sha256File } from '../sha';
import { launchFirefox, type TestFirefox, waitForFirefoxFile } from './firefox';
import { jobNamed, type ReportServer, reportingAddon, startReportServer } from './report-server';

const MIB = 1024 * 1024;

/**
 * Firefox quit mid-download and started again on the same profile: the add-on's event page starts with the
 * browser, finds the job in IndexedDB and resumes it from its stored pieces (If-Range), and the file lands whole
 * and exactly once.
 */
let firefox: TestFirefox | null = null;
let report: ReportServer;
let pages: PageServer;
let server: RangeServer;

afterAll(async () => {
  await Promise.all([firefox?.close(), report?.close(), pages?.close(), server?.close()]);
});

it('resumes a download from its stored pieces after Firefox is quit and started again', async () => {
  const source = patternSource(64 * MIB, 16);
  const sha256 = await sha256Of(source);
  server = await throttledServer(
    source,
    { bytesPerSecond: 1 * MIB },
    { contentDisposition: 'attachment; filename="browser-restart.bin"' },
  );
  [report, pages] = await Promise.all([startReportServer(), createPageServer()]);
  const addon = await reportingAddon(report);
  firefox = await launchFirefox({ dist: addon });
  await report.until(() => true, 30_000);

  pages.html = linkPage(server.url);
  const tab = await firefox.browser.newPage();
  await tab.goto(pages.origin);
  await tab.click('#file');
  const stored = await report.until((s) => (jobNamed(s, 'browser-restart.bin')?.doneBytes ?? 0) >= 16 * MIB);
  const storedBefore = jobNamed(stored, 'browser-restart.bin')?.doneBytes ?? 0;
  await firefox.quit();
  const requestsBefore = server.requests.length;

  firefox = await launchFirefox({ dist: addon, root: firefox.root });
  const path = await waitForFirefoxFile(firefox.downloadDir, 'browser-restart.bin', source.size, {
    timeoutMs: 120_000,
  });
  expect(await sha256File(path)).toBe(sha256);
  const done = await report.until(
    (s) => jobNamed(s, 'browser-restart.bin')?.state.status === 'completed',
    15_000,
  );
  expect(jobNamed(done, 'browser-restart.bin')?.doneBytes).toBe(source.size);
  // After the restart: only ranged requests, each checked against the stored pieces' version, and no more than
  // the missing bytes (plus what was in flight when Firefox quit) fetched again.
  const after = server.requests.slice(requestsBefore);
  expect(after.length).toBeGreaterThan(0);
  expect(after.filter((r) => r.range === null || r.ifRange !== server.etag)).toEqual([]);
  const fetchedAfter = after.reduce((n, r) => n + r.bytesSent, 0);
  console.log(
    `Firefox restart: ${(storedBefore / MIB).toFixed(1)} MiB stored before the quit; after it ${after.length} ` +
      `ranged requests fetched ${(fetchedAfter / MIB).toFixed(1)} MiB of the ${((source.size - storedBefore) / MIB).toFixed(1)} MiB missing`,
  );
  expect(fetchedAfter).toBeLessThanOrEqual(source.size - storedBefore + 8 * MIB);
  expect((await readdir(firefox.downloadDir)).filter((f) => f.startsWith('browser-restart'))).toEqual([
    'browser-restart.bin',
  ]);
}, 240_000);
