import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hexToBase64 } from '../../helpers/accel-cli';
import {
  formPostSite,
  patternSource,
  type RangeServer,
  refererSite,
  requestsTo,
  type Site,
  sha256Of,
  throttledServer,
} from '../../server/index';
import { createPageServer, linkPage, type PageServer } from '../pages';
import { sha256File } from '../sha';
import { launchFirefox, type TestFirefox, waitForFirefoxFile } from './firefox';
import { jobNamed, type ReportServer, reportingAddon, startReportServer } from './report-server';

const MIB = 1024 * 1024;

/**
 * The add-on in Debian's Firefox ESR (docs/platform.md, Firefox), the test build that reports its job
 * snapshots to a loopback server: what lands in the download directory, what the servers saw, and what the
 * popup would be fed.
 */
describe('downloads in Firefox', () => {
  let firefox: TestFirefox;
  let report: ReportServer;
  let pages: PageServer;
  const servers: (RangeServer | Site)[] = [];

  beforeAll(async () => {
    [report, pages] = await Promise.all([startReportServer(), createPageServer()]);
    firefox = await launchFirefox({ dist: await reportingAddon(report) });
    await report.until(() => true, 30_000); // the event page is up
  });
  afterAll(async () => {
    await Promise.all([firefox?.close(), report?.close(), pages?.close(), ...servers.map((s) => s.close())]);
  });

  /** Opens `pageUrl` in a new tab (a tab whose link became a download keeps a navigation pending) and clicks. */
  async function clickIn(pageUrl: string): Promise<void> {
    const page = await firefox.browser.newPage();
    await page.goto(pageUrl);
    await page.click('#file');
  }

  async function clickLinkTo(url: string): Promise<void> {
    pages.html = linkPage(url);
    await clickIn(pages.origin);
  }

  async function capped(
    sizeBytes: number,
    seed: number,
    name: string,
    bytesPerSecond: number,
    extraHeaders: Record<string, string> = {},
  ) {
    const source = patternSource(sizeBytes, seed);
    const server = await throttledServer(
      source,
      { bytesPerSecond },
      { contentDisposition: `attachment; filename="${name}"`, extraHeaders },
    );
    servers.push(server);
    return { source, server, sha256: await sha256Of(source) };
  }

  it('accelerates a clicked 64 MiB link over parallel ranges, the name and bytes exact', async () => {
    const { source, server, sha256 } = await capped(64 * MIB, 11, 'big-file.bin', 4 * MIB);
    await clickLinkTo(server.url);
    const path = await waitForFirefoxFile(firefox.downloadDir, 'big-file.bin', source.size);
    expect(await sha256File(path)).toBe(sha256);
    expect(server.maxConcurrent).toBeGreaterThanOrEqual(4);
    expect(server.requests.filter((r) => r.range !== null).length).toBeGreaterThanOrEqual(4);
    // Firefox's own download ran during the probe (never paused) and was cancelled once it was proven: one
    // plain GET, cut short.
    const plain = server.requests.filter((r) => r.range === null);
    expect(plain).toHaveLength(1);
    expect(plain[0]?.bytesSent).toBeLessThan(source.size / 4);
    expect((await readdir(firefox.downloadDir)).filter((f) => f.startsWith('big-file'))).toEqual([
      'big-file.bin',
    ]);
    // What the popup is fed: the job, completed, with every byte and the file's SHA-256.
    const snapshot = await report.until((s) => jobNamed(s, 'big-file.bin')?.state.status === 'completed');
    expect(jobNamed(snapshot, 'big-file.bin')).toMatchObject({ doneBytes: source.size, sha256 });
    expect(report.errors).toEqual([]);
  });

  it('refuses a file whose bytes differ from the server’s Repr-Digest: the job fails, no file lands', async () => {
    const wrong = hexToBase64('ab'.repeat(32));
    const { server } = await capped(24 * MIB, 13, 'digest-bad.bin', 8 * MIB, {
      'repr-digest': `sha-256=:${wrong}:`,
    });
    await clickLinkTo(server.url);
    const path = join(firefox.downloadDir, 'digest-bad.bin');
    const failed = report.until((s) => {
      // Checked on every report: no bytes ever appear under the file's name (while the probe runs, Firefox's own
      // download holds an empty placeholder there and writes to a .part, both gone once it is cancelled).
      if (existsSync(path) && statSync(path).size > 0) throw new Error('digest-bad.bin got bytes');
      return jobNamed(s, 'digest-bad.bin')?.state.status === 'failed';
    });
    const job = jobNamed(await failed, 'digest-bad.bin');
    expect(job?.state).toMatchObject({ error: { code: 'CHECKSUM_MISMATCH' } });
    expect(job?.integrity).toBe('mismatch');
    expect(server.requests.filter((r) => r.range !== null).length).toBeGreaterThanOrEqual(2);
    expect((await readdir(firefox.downloadDir)).filter((f) => f.startsWith('digest-bad'))).toEqual([]);
  });

  it('leaves a file below the threshold to Firefox: its one request, no job', async () => {
    const { source, server, sha256 } = await capped(2 * MIB, 12, 'small.bin', 4 * MIB);
    await clickLinkTo(server.url);
    expect(await sha256File(await waitForFirefoxFile(firefox.downloadDir, 'small.bin', source.size))).toBe(
      sha256,
    );
    expect(server.requests.map((r) => [r.range, r.bytesSent])).toEqual([[null, source.size]]);
    expect(jobNamed(report.latest ?? { jobs: [], skipped: [] }, 'small.bin')).toBeUndefined();
  });

  it('lets a form POST download complete in Firefox: the probe GET refused, the POST untouched', async () => {
    const site = await formPostSite({ source: patternSource(24 * MIB, 13), bytesPerSecond: 8 * MIB });
    servers.push(site);
    await clickIn(site.pageUrl);
    const path = await waitForFirefoxFile(firefox.downloadDir, site.fileName, site.sizeBytes);
    expect(await sha256File(path)).toBe(site.sha256);
    const file = requestsTo(site.requests, new URL(site.fileUrl).pathname);
    expect(file.filter((r) => r.method === 'POST').map((r) => [r.status, r.bytesSent])).toEqual([
      [200, site.sizeBytes],
    ]);
    expect(file.filter((r) => r.method !== 'POST').map((r) => [r.method, r.status])).toEqual([['GET', 405]]);
    const snapshot = await report.until((s) => s.skipped.some((n) => n.url.startsWith(site.fileUrl)));
    expect(snapshot.jobs.filter((j) => j.url.startsWith(site.fileUrl))).toEqual([]);
  });

  it.each([
    ['the same origin (the full page URL)', false],
    ['another origin (the origin only)', true],
  ])('accelerates a file that needs the Referer from %s, every range carrying it', async (_, crossOrigin) => {
    const source = patternSource(24 * MIB, crossOrigin ? 15 : 14);
    const site = await refererSite({ source, bytesPerSecond: 4 * MIB, crossOrigin });
    servers.push(site);
    await clickIn(site.pageUrl);
    const path = await waitForFirefoxFile(firefox.downloadDir, site.fileName, site.sizeBytes);
    expect(await sha256File(path)).toBe(site.sha256);
    const file = requestsTo(site.requests, '/file.bin');
    expect(file.filter((r) => Boolean(r.range) && r.status === 206).length).toBeGreaterThanOrEqual(2);
    expect(file.filter((r) => r.headers.referer !== site.referer).map((r) => r.headers.referer)).toEqual([]);
    expect(file.filter((r) => r.status === 403)).toEqual([]);
    const snapshot = await report.until((x) => jobNamed(x, site.fileName)?.state.status === 'completed');
    expect(jobNamed(snapshot, site.fileName)).toMatchObject({
      doneBytes: site.sizeBytes,
      sha256: site.sha256,
    });
  });

  it('resumes a job from its stored pieces after the background restarts (runtime.reload)', async () => {
    const { source, server, sha256 } = await capped(64 * MIB, 14, 'restart.bin', 1 * MIB);
    await clickLinkTo(server.url);
    await report.until((s) => (jobNamed(s, 'restart.bin')?.doneBytes ?? 0) >= 16 * MIB);
    const before = report.reports;
    report.command('reload');
    // A new event page reports again; the job is still there, and finishes.
    await report.until(() => report.reports > before + 5, 30_000);
    const path = await waitForFirefoxFile(firefox.downloadDir, 'restart.bin', source.size, {
      timeoutMs: 110_000,
    });
    expect(await sha256File(path)).toBe(sha256);
    // The file is whole on disk a moment before the job's next report says so ('completing' → 'completed').
    const done = await report.until((s) => jobNamed(s, 'restart.bin')?.state.status === 'completed', 15_000);
    expect(jobNamed(done, 'restart.bin')?.state.status).toBe('completed');
    // The stored pieces were kept: far less than a second copy of the file was fetched.
    expect(server.bytesSent).toBeLessThan(source.size * 1.5);
    expect((await readdir(firefox.downloadDir)).filter((f) => f.startsWith('restart'))).toEqual([
      'restart.bin',
    ]);
  }, 180_000);
});
