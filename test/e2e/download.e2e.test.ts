import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_BYTES } from '../../src/background/browser-match';
import {
  ignoreRangeServer,
  patternSource,
  type RangeServer,
  sha256Of,
  throttledServer,
} from '../server/index';
import {
  launchBrowser,
  listDownloads,
  sendFromExtensionPage,
  type TestBrowser,
  waitForFile,
} from './browser';
import { openPopup, readStore } from './extension';
import { startNginxFiles } from './nginx-files';
import { createPageServer, linkPage, type PageServer } from './pages';
import { sha256File } from './sha';

const MIB = 1024 * 1024;

describe('downloads in Chromium', () => {
  let browser: TestBrowser;
  let pages: PageServer;
  const servers: RangeServer[] = [];

  beforeAll(async () => {
    [browser, pages] = await Promise.all([launchBrowser(), createPageServer()]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), pages?.close(), ...servers.map((s) => s.close())]);
  });

  async function clickLinkTo(url: string): Promise<void> {
    pages.html = linkPage(url);
    await browser.page.goto(pages.origin);
    await browser.page.click('#file');
  }

  it('(a) accelerates a clicked 64 MiB link over parallel ranges', async () => {
    const source = patternSource(64 * MIB, 11);
    const server = await throttledServer(
      source,
      { bytesPerSecond: 4 * MIB },
      { contentDisposition: 'attachment; filename="big-file.bin"' },
    );
    servers.push(server);
    const [expected] = await Promise.all([sha256Of(source), clickLinkTo(server.url)]);
    const path = await waitForFile(browser.downloadDir, 'big-file.bin', source.size);
    expect(await sha256File(path)).toBe(expected);
    expect(server.maxConcurrent).toBeGreaterThanOrEqual(4);
    // The browser's own request was cancelled in onCreated: one plain GET, cut short; the rest are ranges.
    const plain = server.requests.filter((r) => r.range === null);
    expect(plain).toHaveLength(1);
    expect(plain[0]?.bytesSent).toBeLessThan(source.size / 4);
    expect((await listDownloads(browser.downloadDir)).filter((f) => f.startsWith('big-file'))).toEqual([
      'big-file.bin',
    ]);
  });

  it('writes the file while it is fetched, and a name already taken gets the browser\'s " (1)"', async () => {
    const source = patternSource(24 * MIB, 14);
    const server = await throttledServer(
      source,
      { bytesPerSecond: 2 * MIB },
      { contentDisposition: 'attachment; filename="twice.bin"' },
    );
    servers.push(server);
    const expected = await sha256Of(source);
    await clickLinkTo(server.url);
    expect(await sha256File(await waitForFile(browser.downloadDir, 'twice.bin', source.size))).toBe(expected);

    await clickLinkTo(server.url);
    // Part of the file is on disk while ranges are still being fetched: the save streams the stored prefix.
    const partialBytes = async () => {
      let bytes = 0;
      for (const f of await listDownloads(browser.downloadDir)) {
        if (f.endsWith('.crdownload'))
          bytes += (await stat(join(browser.downloadDir, f)).catch(() => null))?.size ?? 0;
      }
      return bytes;
    };
    await expect
      .poll(
        async () =>
          (await partialBytes()) > 0 && server.requests.some((r) => r.range !== null && r.endedAtMs === null),
        { timeout: 20_000, interval: 50 },
      )
      .toBe(true);
    const second = await waitForFile(browser.downloadDir, 'twice (1).bin', source.size);
    expect(await sha256File(second)).toBe(expected);
  });

  it("(b) a link given by hand (the popup's field, the context menu's path) is accelerated below the threshold", async () => {
    const source = patternSource(8 * MIB, 12);
    const server = await throttledServer(source, { bytesPerSecond: 2 * MIB }, { path: '/small%20menu.bin' });
    servers.push(server);
    // A real context menu cannot be opened headless; job/add-link runs the same addLink.
    const [expected, reply] = await Promise.all([
      sha256Of(source),
      sendFromExtensionPage(browser, { type: 'job/add-link', url: server.url, pageUrl: pages.origin }),
    ]);
    expect(reply).toEqual({ ok: true, value: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const path = await waitForFile(browser.downloadDir, 'small menu.bin', source.size);
    expect(await sha256File(path)).toBe(expected);
    expect(server.requests.every((r) => r.range !== null)).toBe(true);
    expect(server.maxConcurrent).toBeGreaterThanOrEqual(2);
    // The page it came from is sent as the Referer (docs/platform.md fact 7).
    expect(server.requests.map((r) => r.headers.referer)).toEqual(
      server.requests.map(() => `${pages.origin}/`),
    );
  });

  it("the popup's field: a pasted link and Enter download it; anything but http(s) is refused there", async () => {
    const source = patternSource(4 * MIB, 15);
    const server = await throttledServer(source, { bytesPerSecond: 4 * MIB }, { path: '/pasted.bin' });
    servers.push(server);
    const popup = await openPopup(browser);
    const field = popup.locator('#add-link input[name=url]');
    await field.fill('file:///etc/passwd');
    await field.press('Enter');
    await expect.poll(() => popup.locator('#add-link .error').textContent()).toMatch(/http/);
    expect(server.requests).toEqual([]);
    await field.fill(` ${server.url} `);
    await field.press('Enter');
    const path = await waitForFile(browser.downloadDir, 'pasted.bin', source.size);
    expect(await sha256File(path)).toBe(await sha256Of(source));
    expect(server.requests.every((r) => r.range !== null)).toBe(true);
    expect(await field.inputValue()).toBe('');
    expect(await popup.locator('#add-link .error').isHidden()).toBe(true);
    await popup.close();
  });

  it('(c) leaves a file below the threshold to the browser', async () => {
    const source = patternSource(4 * MIB, 13);
    const server = await throttledServer(source, { bytesPerSecond: 16 * MIB }, { path: '/small-click.bin' });
    servers.push(server);
    const [expected] = await Promise.all([sha256Of(source), clickLinkTo(server.url)]);
    const path = await waitForFile(browser.downloadDir, 'small-click.bin', source.size);
    expect(await sha256File(path)).toBe(expected);
    expect(server.requests.map((r) => r.range)).toEqual([null]);
    const reply = (await sendFromExtensionPage(browser, { type: 'jobs/list' })) as {
      ok: true;
      value: { jobs: { url: string }[] };
    };
    expect(reply.ok).toBe(true);
    expect(reply.value.jobs.some((j) => j.url === server.url)).toBe(false);
  });

  it('(d) leaves a clicked file on a server without range support to the browser (its own request, resumed), with a note', async () => {
    const source = patternSource(24 * MIB, 14);
    const server = await ignoreRangeServer(source, { path: '/no-ranges.bin' });
    servers.push(server);
    const [expected] = await Promise.all([sha256Of(source), clickLinkTo(server.url)]);
    const path = await waitForFile(browser.downloadDir, 'no-ranges.bin', source.size);
    expect(await sha256File(path)).toBe(expected);
    await new Promise((r) => setTimeout(r, 500)); // a second copy would have started by now
    expect((await listDownloads(browser.downloadDir)).filter((f) => f.startsWith('no-ranges'))).toEqual([
      'no-ranges.bin',
    ]);
    // The browser's own request (paused, then resumed) and the take-over's probe of the file's start: nothing else.
    expect(server.requests.map((r) => r.range)).toEqual([null, `bytes=0-${PROBE_BYTES - 1}`]);
    const reply = (await sendFromExtensionPage(browser, { type: 'jobs/list' })) as {
      ok: true;
      value: { jobs: { url: string }[]; skipped: { url: string; reason: string }[] };
    };
    expect(reply.value.jobs.find((j) => j.url === server.url)).toBeUndefined();
    expect(reply.value.skipped.find((n) => n.url === server.url)?.reason).toMatch(/byte ranges/);
  });

  it('(f) leaves a clicked file to the browser when one connection already outruns the extension, with a note', async () => {
    // An uncapped nginx on loopback (sendfile, its own process): one connection brings hundreds of MiB/s, more
    // than pieces through IndexedDB sustain, whatever else the test process is doing.
    const source = patternSource(160 * MIB, 16);
    const nginx = await startNginxFiles({ tls: false });
    try {
      await nginx.put('fast.bin', source);
      const url = `${nginx.http}/fast.bin`;
      const [expected] = await Promise.all([sha256Of(source), clickLinkTo(url)]);
      const path = await waitForFile(browser.downloadDir, 'fast.bin', source.size);
      expect(await sha256File(path)).toBe(expected);
      // The browser's own request, whole, and the take-over's probe, cut short once timed: nothing else.
      await expect.poll(async () => (await nginx.requests()).length).toBe(2);
      const requests = await nginx.requests();
      expect(requests.map((r) => r.range).sort()).toEqual([`bytes=0-${PROBE_BYTES - 1}`, null].sort());
      expect(requests.find((r) => r.range === null)?.bytesSent).toBe(source.size);
      expect(requests.find((r) => r.range !== null)?.bytesSent).toBeLessThanOrEqual(PROBE_BYTES);
      const reply = (await sendFromExtensionPage(browser, { type: 'jobs/list' })) as {
        ok: true;
        value: { jobs: { url: string }[]; skipped: { url: string; reason: string }[] };
      };
      expect(reply.value.jobs.find((j) => j.url === url)).toBeUndefined();
      expect(reply.value.skipped.find((n) => n.url === url)?.reason).toMatch(
        /one connection is already fast \(\d+ MiB\/s\)/,
      );
    } finally {
      await nginx.close();
    }
  });

  it('(e) hands a link given by hand on a server without range support back to the browser, once', async () => {
    const source = patternSource(24 * MIB, 15);
    const server = await ignoreRangeServer(source, { path: '/handed.bin' });
    servers.push(server);
    const [expected, added] = await Promise.all([
      sha256Of(source),
      sendFromExtensionPage(browser, { type: 'job/add-link', url: server.url }),
    ]);
    expect(added).toMatchObject({ ok: true });
    const path = await waitForFile(browser.downloadDir, 'handed.bin', source.size);
    expect(await sha256File(path)).toBe(expected);
    await new Promise((r) => setTimeout(r, 500));
    expect((await listDownloads(browser.downloadDir)).filter((f) => f.startsWith('handed'))).toEqual([
      'handed.bin',
    ]);
    // The engine's probe, then the browser's own download of the link.
    expect(server.requests.map((r) => r.range)).toEqual(['bytes=0-262143', null]);
    const reply = (await sendFromExtensionPage(browser, { type: 'jobs/list' })) as {
      ok: true;
      value: { jobs: { id: string; url: string; state: { status: string } }[] };
    };
    const job = reply.value.jobs.find((j) => j.url === server.url);
    expect(job?.state.status).toBe('handed-to-browser');
    // The browser's download id is kept: a worker restart must not hand the job back a second time.
    await expect
      .poll(async () => (await readStore(browser)).jobs[job?.id ?? '']?.handOff)
      .toEqual({ downloadId: expect.any(Number), tries: 1 });
  });
});
