import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView, SkipNote } from '../../src/shared/job-view';
import {
  cookieSite,
  expiringRedirectSite,
  formPostSite,
  otherFileSite,
  patternSource,
  plainSite,
  type RequestRecord,
  rangedRedirectSite,
  refererSite,
  requestsTo,
  type Site,
  silentRangesSite,
  singleUseSite,
} from '../server/index';
import { launchBrowser, listDownloads, type TestBrowser, waitForFile } from './browser';
import { changeSettings, clearSkipped, listSnapshot, sleep } from './extension';
import { sha256File } from './sha';

/**
 * Downloads from sites that serve a file only to the request the browser makes (a form POST, a single-use
 * link, a cookie, a Referer, an expiring signed redirect), or whose ranges are another file, each clicked on
 * its own page. Whatever the extension does, the file the browser alone would have saved lands once, byte for
 * byte: taken over where the extension can reproduce the browser's request, left to the browser (paused, then
 * resumed on its own response: docs/platform.md fact 14) with a note in the popup where it cannot.
 */

const MIB = 1024 * 1024;
/** Long enough for a second copy, or the browser's download restarted, to have shown up in the directory. */
const SETTLE_MS = 1000;

describe('downloads from real-world sites', () => {
  let browser: TestBrowser;
  const sites: Site[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    await changeSettings(browser, { thresholdBytes: MIB });
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), ...sites.map((s) => s.close())]);
  });

  async function open<S extends Site>(site: Promise<S>): Promise<S> {
    const s = await site;
    sites.push(s);
    return s;
  }

  /**
   * Clicks the site's `#file` on its page and waits for the file: the only new entry of the download directory
   * is the browser's name for it (no " (1)" copy, no partial left), with the browser's bytes.
   */
  async function clickAndSave(site: Site): Promise<void> {
    await clearSkipped(browser);
    const before = new Set(await listDownloads(browser.downloadDir));
    await browser.page.goto(site.pageUrl);
    await browser.page.click('#file');
    const path = await savedFile(site);
    expect(await sha256File(path)).toBe(site.sha256);
    await sleep(SETTLE_MS);
    const added = (await listDownloads(browser.downloadDir)).filter((f) => !before.has(f));
    expect(added).toEqual([site.fileName]);
  }

  /** Waits for the file; if it never lands, the error says what the site saw and what the popup shows. */
  async function savedFile(site: Site): Promise<string> {
    try {
      return await waitForFile(browser.downloadDir, site.fileName, site.sizeBytes, { timeoutMs: 40_000 });
    } catch (error) {
      const seen = site.requests.map(
        (r) => `${r.method} ${r.path}${r.search} ${r.range} ${r.status} ${r.bytesSent}`,
      );
      const { jobs, skipped } = await listSnapshot(browser);
      throw new Error(
        `${(error as Error).message}\n${seen.join('\n')}\n${JSON.stringify({ jobs, skipped })}`,
      );
    }
  }

  const fromSite = (site: Site, url: string) => new URL(url).origin === new URL(site.fileUrl).origin;

  /** The site's jobs in the popup's snapshot. */
  async function jobsOf(site: Site): Promise<JobView[]> {
    return (await listSnapshot(browser)).jobs.filter((j) => fromSite(site, j.url));
  }

  /** Left to the browser: a note with a reason (returned), and no job. */
  async function expectLeftToBrowser(site: Site): Promise<string> {
    let notes: SkipNote[] = [];
    await expect
      .poll(
        async () => {
          notes = (await listSnapshot(browser)).skipped.filter((n) => fromSite(site, n.url));
          return notes.length;
        },
        { timeout: 10_000 },
      )
      .toBe(1);
    expect(notes[0]?.reason).toMatch(/\w/);
    expect(await jobsOf(site)).toEqual([]);
    return notes[0]?.reason ?? '';
  }

  /** Taken over: one job, completed, and no note. */
  async function expectTakenOver(site: Site): Promise<void> {
    await expect
      .poll(async () => (await jobsOf(site)).map((j) => ({ state: j.state, note: j.note })), {
        timeout: 15_000,
      })
      .toMatchObject([{ state: { status: 'completed' } }]);
    const snapshot = await listSnapshot(browser);
    expect(snapshot.skipped.filter((n) => fromSite(site, n.url))).toEqual([]);
  }

  /** Requests that got part or all of the file. */
  const served = (requests: RequestRecord[]) => requests.filter((r) => r.status === 200 || r.status === 206);
  const ranged = (requests: RequestRecord[]) => requests.filter((r) => r.range !== null);

  it('leaves a form POST to the browser: one POST, the probe GET refused', async () => {
    const site = await open(formPostSite());
    await clickAndSave(site);
    await expectLeftToBrowser(site);
    const file = requestsTo(site.requests, '/file.bin');
    const posts = file.filter((r) => r.method === 'POST');
    expect(posts.map((r) => [r.status, r.bytesSent])).toEqual([[200, site.sizeBytes]]);
    const others = file.filter((r) => r.method !== 'POST');
    expect(others.map((r) => [r.method, r.status])).toEqual([['GET', 405]]);
  });

  it('leaves a single-use link to the browser: its one request delivers the file', async () => {
    const site = await open(singleUseSite());
    await clickAndSave(site);
    await expectLeftToBrowser(site);
    const link = requestsTo(site.requests, '/once.bin');
    expect(served(link).map((r) => [r.range, r.bytesSent])).toEqual([[null, site.sizeBytes]]);
    expect(link.slice(1).every((r) => r.status === 410)).toBe(true);
  });

  it('takes over a download that needs the page cookie, every range carrying it', async () => {
    const site = await open(cookieSite({ source: patternSource(6 * MIB, 201), bytesPerSecond: 2 * MIB }));
    await clickAndSave(site);
    await expectTakenOver(site);
    const file = requestsTo(site.requests, '/file.bin');
    expect(ranged(file).length).toBeGreaterThanOrEqual(2);
    expect(file.filter((r) => !(r.headers.cookie ?? '').includes(site.cookie))).toEqual([]);
    expect(file.filter((r) => r.status === 403)).toEqual([]);
  });

  it.each([
    ['the same origin (the full page URL)', false],
    ['another origin (the origin only)', true],
  ])('takes over a download that needs the Referer from %s', async (_, crossOrigin) => {
    const source = patternSource(6 * MIB, crossOrigin ? 203 : 202);
    const site = await open(refererSite({ source, bytesPerSecond: 2 * MIB, crossOrigin }));
    await clickAndSave(site);
    await expectTakenOver(site);
    const file = requestsTo(site.requests, '/file.bin');
    expect(ranged(file).length).toBeGreaterThanOrEqual(2);
    expect(file.filter((r) => r.headers.referer !== site.referer).map((r) => r.headers.referer)).toEqual([]);
    expect(file.filter((r) => r.status === 403)).toEqual([]);
  });

  it('takes over an expiring signed redirect, asking the link again when the signature expires', async () => {
    const site = await open(expiringRedirectSite({ source: patternSource(8 * MIB, 204), validMs: 2000 }));
    await clickAndSave(site);
    await expectTakenOver(site);
    const link = requestsTo(site.requests, '/file');
    const redirects = link.filter((r) => r.search === '' && r.status === 302);
    const expired = link.filter((r) => r.search !== '' && r.status === 403);
    expect(expired.length).toBeGreaterThanOrEqual(1);
    // The browser's own redirect, then at least one fresh one after a signature expired.
    expect(redirects.length).toBeGreaterThanOrEqual(2);
    expect(redirects.some((r) => r.id > (expired[0]?.id ?? Number.POSITIVE_INFINITY))).toBe(true);
    expect(ranged(served(link)).length).toBeGreaterThanOrEqual(2);
  });

  it('leaves a download whose ranges redirect to another host to the browser, never asking that host', async () => {
    const site = await open(rangedRedirectSite());
    await clickAndSave(site);
    await expectLeftToBrowser(site);
    expect(site.otherRequests).toEqual([]);
    const file = requestsTo(site.requests, '/file.bin');
    expect(served(file).map((r) => [r.range, r.bytesSent])).toEqual([[null, site.sizeBytes]]);
  });

  it.each([
    ['another size', false],
    ['the same size (another ETag)', true],
  ])('leaves a download whose ranges are another file of %s to the browser', async (_, sameSize) => {
    const site = await open(otherFileSite({ sameSize }));
    await clickAndSave(site);
    await expectLeftToBrowser(site);
    const file = requestsTo(site.requests, '/file.bin');
    // The browser's own request delivered the whole file; no range beyond the probe's was asked.
    expect(file.filter((r) => r.range === null).map((r) => r.bytesSent)).toEqual([site.sizeBytes]);
    expect(ranged(file).length).toBeLessThanOrEqual(1);
  });

  it('leaves a download to the browser when the probe gets no answer in time', async () => {
    const site = await open(silentRangesSite());
    await clickAndSave(site);
    await expectLeftToBrowser(site);
    const file = requestsTo(site.requests, '/file.bin');
    expect(file.filter((r) => r.range === null).map((r) => r.bytesSent)).toEqual([site.sizeBytes]);
    // The probe, given up on.
    expect(ranged(file).map((r) => [r.status, r.aborted])).toEqual([[0, true]]);
  });

  it('takes over a plain range server over parallel ranges (the control)', async () => {
    const site = await open(plainSite({ source: patternSource(8 * MIB, 205), bytesPerSecond: 2 * MIB }));
    await clickAndSave(site);
    await expectTakenOver(site);
    const file = requestsTo(site.requests, '/file.bin');
    const ranges = ranged(served(file));
    expect(new Set(ranges.map((r) => r.connectionId)).size).toBeGreaterThanOrEqual(2);
    expect(ranges.reduce((sum, r) => sum + r.bytesSent, 0)).toBeGreaterThanOrEqual(site.sizeBytes);
    // The browser's own request, paused at once and cancelled, is the only one without a range.
    expect(file.filter((r) => r.range === null)).toHaveLength(1);
  });
});
