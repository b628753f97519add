import { readdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Aria2Daemon, startAria2 } from '../helpers/aria2-daemon';
import { correctServer, patternSource, type RangeServer, sha256Of, throttledServer } from '../server/index';
import { launchBrowser, listDownloads, type TestBrowser, waitForFile } from './browser';
import { clearSkipped, extensionPage, listSnapshot, openPopup } from './extension';
import { createPageServer, linkPage, type PageServer } from './pages';
import { sha256File } from './sha';

/**
 * "Send to aria2" against a real aria2c with a secret on loopback: the options page's fields and its Test
 * connection button, a clicked link fetched by aria2 as the browser would (name, cookie, Referer), the browser's
 * own download left alone when aria2 is stopped or the secret is wrong, and the popup's list of aria2's jobs.
 */
const MIB = 1024 * 1024;
const COOKIE = 'session=e2e-7f3a';

/** aria2's own requests: its Accept names metalink types (the browser's and the extension's do not). */
const byAria2 = (server: RangeServer) =>
  server.requests.filter((r) => String(r.headers.accept ?? '').includes('metalink'));

describe('send to aria2 in Chromium', () => {
  let browser: TestBrowser;
  let pages: PageServer;
  let aria2: Aria2Daemon;
  const servers: RangeServer[] = [];

  beforeAll(async () => {
    [browser, pages, aria2] = await Promise.all([launchBrowser(), createPageServer(), startAria2()]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), pages?.close(), aria2?.close(), ...servers.map((s) => s.close())]);
  });

  /** The options page, reloaded so it shows the stored settings. */
  async function options(): Promise<Page> {
    const page = await extensionPage(browser);
    await page.reload();
    await expect.poll(() => page.inputValue('[name=aria2RpcUrl]')).not.toBe('');
    return page;
  }

  async function saveOptions(fields: { rpcUrl: string; secret: string; on: boolean }): Promise<void> {
    const page = await options();
    await page.fill('[name=aria2RpcUrl]', fields.rpcUrl);
    await page.fill('[name=aria2Secret]', fields.secret);
    await page.setChecked('[name=sendToAria2]', fields.on);
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#status')).toMatch(/^Saved/);
  }

  async function testConnection(rpcUrl: string, secret: string): Promise<string> {
    const page = await options();
    await page.fill('[name=aria2RpcUrl]', rpcUrl);
    await page.fill('[name=aria2Secret]', secret);
    await page.click('#aria2-test');
    await expect
      .poll(() => page.textContent('#aria2-status'), { timeout: 20_000 })
      .not.toMatch(/^(Connecting…)?$/);
    return (await page.textContent('#aria2-status')) ?? '';
  }

  /** A page that sets a cookie, then a click on its link. */
  async function clickWithCookie(url: string): Promise<void> {
    pages.html = `<script>document.cookie = '${COOKIE}; path=/';</script>${linkPage(url)}`;
    await browser.page.goto(pages.origin);
    await browser.page.click('#file');
  }

  async function serve(server: Promise<RangeServer>): Promise<RangeServer> {
    const s = await server;
    servers.push(s);
    return s;
  }

  it("Test connection shows aria2's version over http and ws, and a wrong secret as such", async () => {
    expect(await testConnection(aria2.rpcUrl, aria2.secret)).toMatch(/^Connected: aria2 1\.\d+\.\d+$/);
    expect(await testConnection(aria2.wsUrl, aria2.secret)).toMatch(/^Connected: aria2 1\.\d+\.\d+$/);
    const wrong = await testConnection(aria2.rpcUrl, 'not-the-secret');
    expect(wrong).toMatch(/refused the secret token \(Unauthorized\)/);
    expect(wrong).not.toContain('not-the-secret');
    expect(await testConnection('http://127.0.0.1:9/jsonrpc', aria2.secret)).toMatch(/unreachable/);
  });

  it('a clicked 64 MiB link lands exact in aria2’s directory, fetched with the page’s cookie and Referer; none in the browser’s', async () => {
    await saveOptions({ rpcUrl: aria2.rpcUrl, secret: aria2.secret, on: true });
    const source = patternSource(64 * MIB, 31);
    const server = await serve(
      correctServer(source, { contentDisposition: 'attachment; filename="to-aria2.bin"' }),
    );
    const [expected] = await Promise.all([sha256Of(source), clickWithCookie(server.url)]);
    const path = await waitForFile(aria2.dir, 'to-aria2.bin', source.size);
    await expect.poll(() => readdir(aria2.dir)).toEqual(['to-aria2.bin']); // no .aria2 control file left
    expect(await sha256File(path)).toBe(expected);
    const fetched = byAria2(server);
    expect(fetched.length).toBeGreaterThan(0);
    for (const r of fetched) {
      expect(r.headers.cookie).toContain(COOKIE);
      expect(r.headers.referer).toBe(`${pages.origin}/`);
      expect(r.headers['user-agent']).toMatch(/Chrome\//);
    }
    expect((await listDownloads(browser.downloadDir)).filter((f) => f.startsWith('to-aria2'))).toEqual([]);
    // The popup lists it, done.
    const popup = await openPopup(browser);
    const row = popup.locator('#aria2-jobs li', { hasText: 'to-aria2.bin' });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/Done/);
    await popup.close();
  });

  it("the popup's pause, resume and remove reach aria2", async () => {
    const source = patternSource(32 * MIB, 32);
    const server = await serve(
      throttledServer(
        source,
        { bytesPerSecond: 2 * MIB },
        { contentDisposition: 'attachment; filename="slow.bin"' },
      ),
    );
    await clickWithCookie(server.url);
    const popup = await openPopup(browser);
    const row = popup.locator('#aria2-jobs li', { hasText: 'slow.bin' });
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toMatch(/Downloading/);
    await row.locator('button[data-action=pause]').click();
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toMatch(/Paused/);
    await row.locator('button[data-action=resume]').click();
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toMatch(/Downloading/);
    await row.locator('button[data-action=remove]').click();
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(0);
    await popup.close();
    expect(byAria2(server).length).toBeGreaterThan(0);
  });

  it('with aria2 stopped the same click lands the file through the browser, and the popup says aria2 was unreachable', async () => {
    await aria2.stop();
    await clearSkipped(browser);
    const source = patternSource(64 * MIB, 31);
    const server = await serve(
      correctServer(source, { contentDisposition: 'attachment; filename="to-aria2.bin"' }),
    );
    await clickWithCookie(server.url);
    const path = await waitForFile(browser.downloadDir, 'to-aria2.bin', source.size);
    expect(await sha256File(path)).toBe(await sha256Of(source));
    expect(byAria2(server)).toEqual([]);
    // The browser's own response carried the file: one plain GET sent the whole of it.
    expect(server.requests.some((r) => r.range === null && r.bytesSent === source.size)).toBe(true);
    const { skipped } = await listSnapshot(browser);
    expect(skipped[0]?.reason).toMatch(
      /not sent to aria2: aria2 is unreachable at http:\/\/127\.0\.0\.1:\d+\/jsonrpc/,
    );
    const popup = await openPopup(browser);
    await expect.poll(() => popup.locator('#skipped-list').textContent()).toMatch(/aria2 is unreachable/);
    await popup.close();
  });

  it('a wrong secret is reported as such, and the browser keeps the download', async () => {
    await aria2.start();
    await saveOptions({ rpcUrl: aria2.rpcUrl, secret: 'wrong-secret', on: true });
    await clearSkipped(browser);
    const source = patternSource(24 * MIB, 33);
    const server = await serve(
      correctServer(source, { contentDisposition: 'attachment; filename="secret.bin"' }),
    );
    await clickWithCookie(server.url);
    const path = await waitForFile(browser.downloadDir, 'secret.bin', source.size);
    expect(await sha256File(path)).toBe(await sha256Of(source));
    expect(byAria2(server)).toEqual([]);
    expect(await readdir(aria2.dir)).not.toContain('secret.bin');
    const { skipped } = await listSnapshot(browser);
    expect(skipped[0]?.reason).toMatch(/refused the secret token \(Unauthorized\)/);
    expect(JSON.stringify(skipped)).not.toContain('wrong-secret');
  });
});
