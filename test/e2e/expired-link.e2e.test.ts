import { afterAll, beforeAll, expect, it } from 'vitest';
import type { JobView } from '../../src/shared/job-view';
import type { JobRecord } from '../../src/store/schema';
import {
  type ExpiringRedirectSite,
  expiringRedirectSite,
  patternSource,
  type RequestRecord,
  requestsTo,
} from '../server/index';
import { launchBrowser, listDownloads, type TestBrowser, waitForFile } from './browser';
import { changeSettings, extensionPage, listSnapshot, readStore, sleep } from './extension';
import { sha256File } from './sha';

/**
 * A signed link that expires mid-download while the page's link gives no fresh one (a release withdrawn for a
 * while): the job pauses, keeps its pieces and waits for the link; nothing lands and nothing fails. Once the link
 * works again and the user clicks it again, the new browser download is adopted by the paused job, which goes
 * on from its pieces: no stored byte is asked for again, and one file lands, the browser's name, byte for byte.
 */

const MIB = 1024 * 1024;
const KIB = 1024;
const SIZE = 12 * MIB;
/** Per connection: six of them bring about 1.5 MiB/s, so the file takes about 8 s, twice VALID_MS. */
const RATE = 256 * KIB;
/** Long enough for the take-over to start and store pieces under the browser's own signed URL. */
const VALID_MS = 4000;
/** The take-over probe's range (browser-match.ts PROBE_BYTES): the only ranged request from byte 0 here. */
const PROBE_RANGE = `bytes=0-${32 * MIB - 1}`;
/**
 * Bytes served beyond the file's size, at most: the browser's two GETs (each paused at once, then cancelled),
 * the take-over's two probes (read for 100 ms), and whatever pieces were in flight when the link died (about
 * 0.25 MiB in all on this machine).
 */
const OVERLAP_BYTES = MIB;
const SETTLE_MS = 1000;

interface Range {
  start: number;
  end: number;
}

let browser: TestBrowser;
let site: ExpiringRedirectSite;

beforeAll(async () => {
  browser = await launchBrowser();
  await extensionPage(browser);
  await changeSettings(browser, { thresholdBytes: MIB, connectionsPerDownload: 6 });
});
afterAll(async () => {
  await Promise.all([browser?.close(), site?.close()]);
});

const fileRequests = () => requestsTo(site.requests, '/file');
/** The page's link itself (no signature): 302 to a fresh signed URL, or the dead link's 410. */
const isLink = (r: RequestRecord) => r.search === '';
const isProbe = (r: RequestRecord) => r.range === PROBE_RANGE;
/** The job's own requests: ranged, to a signed URL, the take-over's probes left out. */
const isJobs = (r: RequestRecord) => !isLink(r) && r.range !== null && !isProbe(r);
const sent = (requests: readonly RequestRecord[]) => requests.reduce((sum, r) => sum + r.bytesSent, 0);

function requestedRange(r: RequestRecord): Range | null {
  const m = /^bytes=(\d+)-(\d*)$/.exec(r.range ?? '');
  return m ? { start: Number(m[1]), end: m[2] ? Number(m[2]) : SIZE - 1 } : null;
}
const overlaps = (a: Range, b: Range) => a.start <= b.end && b.start <= a.end;
const length = (ranges: readonly Range[]) => ranges.reduce((sum, r) => sum + r.end - r.start + 1, 0);

function log(): string {
  return fileRequests()
    .map((r) => `#${r.id} c${r.connectionId} ${r.search || '(link)'} ${r.range} ${r.status} ${r.bytesSent}`)
    .join('\n');
}

async function siteJobs(): Promise<JobView[]> {
  const origin = new URL(site.fileUrl).origin;
  return (await listSnapshot(browser)).jobs.filter((j) => new URL(j.url).origin === origin);
}

async function clickLink(): Promise<void> {
  await browser.page.goto(site.pageUrl);
  await browser.page.click('#file');
}

it('pauses on an expired link the page no longer renews, then continues from its pieces when clicked again', async () => {
  site = await expiringRedirectSite({
    source: patternSource(SIZE, 206),
    validMs: VALID_MS,
    bytesPerSecond: RATE,
  });
  await clickLink();
  // The browser's request got its signed URL: from now on the link gives no fresh one.
  await expect.poll(() => fileRequests().filter(isLink).length, { timeout: 10_000 }).toBe(1);
  site.setLinkAlive(false);

  // The signature expires and the link refuses: the job pauses with a note, waiting for the link.
  let paused: JobView[] = [];
  await expect
    .poll(
      async () => {
        paused = await siteJobs();
        return paused.map((j) => j.state.status);
      },
      { timeout: 30_000 },
    )
    .toEqual(['paused']);
  const jobId = paused[0]?.id ?? '';
  expect(paused[0]?.note).toMatch(/expired.*Start the download again from its page/s);
  await sleep(SETTLE_MS);
  const stored = await readStore(browser);
  const record = stored.jobs[jobId] as JobRecord;
  expect(record.state.status).toBe('paused');
  expect(record.waitingForLink).toBe(true);
  const held: Range[] = record.done;
  const pieces = stored.pieces.filter(([id]) => id === jobId).map(([, start, end]) => ({ start, end }));
  expect(length(pieces)).toBe(length(held));
  expect(held[0]?.start).toBe(0);
  expect(length(held)).toBeGreaterThan(MIB);
  expect(length(held)).toBeLessThan(SIZE - MIB);
  // It got there the way the story says: a signed URL refused, the link asked again and refused too.
  const before = fileRequests();
  expect(before.filter((r) => !isLink(r) && r.status === 403).length).toBeGreaterThanOrEqual(1);
  expect(before.filter(isLink).map((r) => r.status)).toContain(410);
  expect(before.filter((r) => r.endedAtMs === null)).toEqual([]);
  // Nothing landed, nothing is left half-written, and the job asks nothing more while it waits.
  expect(await listDownloads(browser.downloadDir)).toEqual([]);
  await sleep(SETTLE_MS);
  expect(fileRequests().length).toBe(before.length);
  const pausedMs = performance.now();

  // The link works again; the user clicks it again.
  site.setLinkAlive(true);
  await clickLink();
  const path = await waitForFile(browser.downloadDir, site.fileName, SIZE, { timeoutMs: 60_000 }).catch(
    async (error: Error) => {
      throw new Error(`${error.message}\n${log()}\n${JSON.stringify(await listSnapshot(browser))}`);
    },
  );
  expect(await sha256File(path)).toBe(site.sha256);
  await sleep(SETTLE_MS);
  expect(await listDownloads(browser.downloadDir)).toEqual([site.fileName]);

  // One job, the paused one, completed; no note of a download left to the browser.
  const snapshot = await listSnapshot(browser);
  const jobs = await siteJobs();
  expect(jobs.map((j) => [j.id, j.state.status])).toEqual([[jobId, 'completed']]);
  expect(snapshot.jobs).toHaveLength(1);
  expect(snapshot.skipped).toEqual([]);

  // Adopted: the re-click's browser download resolved a fresh link, and the job went on from its pieces.
  const all = fileRequests();
  const after = all.filter((r) => r.startedAtMs > pausedMs);
  const relinked = after.filter(isLink).map((r) => r.status);
  expect(relinked.length).toBeGreaterThanOrEqual(1);
  expect(relinked.filter((status) => status !== 302)).toEqual([]);
  const resumed = after.filter(isJobs);
  expect(resumed.length).toBeGreaterThanOrEqual(2);
  for (const r of resumed) {
    const label = `#${r.id} ${r.range}`;
    const range = requestedRange(r);
    expect(range, label).not.toBeNull();
    expect((range as Range).start, label).toBeGreaterThan(0);
    expect(
      held.filter((h) => overlaps(h, range as Range)),
      label,
    ).toEqual([]);
    expect(r.ifRange, label).not.toBeNull();
  }
  const servedJob = sent(all.filter(isJobs));
  const servedAll = sent(all);
  const summary = {
    requests: all.length,
    link: all.filter(isLink).map((r) => r.status),
    jobRequests: all.filter(isJobs).length,
    resumedRequests: resumed.length,
    refused: all.filter((r) => !isLink(r) && r.status === 403).length,
    heldMiB: (length(held) / MIB).toFixed(2),
    servedBeforeMiB: (sent(before) / MIB).toFixed(2),
    servedAfterMiB: (sent(after) / MIB).toFixed(2),
    servedJobMiB: (servedJob / MIB).toFixed(2),
    servedAllMiB: (servedAll / MIB).toFixed(2),
    sizeMiB: SIZE / MIB,
  };
  console.info(`expired link: ${JSON.stringify(summary)}`);
  expect(servedJob).toBeGreaterThanOrEqual(SIZE);
  expect(servedAll, log()).toBeLessThanOrEqual(SIZE + OVERLAP_BYTES);
  // After the re-click only the bytes not held were fetched (and the browser's and the probe's few).
  expect(sent(after.filter(isJobs))).toBeLessThanOrEqual(SIZE - length(held) + OVERLAP_BYTES);
});
