import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patternSource, type RangeServer, sha256Of, throttledServer } from '../server/index';
import { launchBrowser, type TestBrowser, waitForFile } from './browser';
import { clearSkipped, extensionPage, listSnapshot } from './extension';
import { createPageServer, linkPage, type PageServer } from './pages';
import { sha256File } from './sha';

/**
 * Per-site rules through the options page's own controls: a site's connections and "always" (a file below the
 * threshold taken over, on at most that many ranges at once), "never" (a large file left to the browser with a
 * note), a rule changed while the browser runs applying to the next click; and the page in Simplified Chinese.
 * The range server answers as 127.0.0.1 and as localhost, two sites for the rules.
 */
const MIB = 1024 * 1024;

/** The most ranged requests the server was answering at one instant. */
function maxRangedAtOnce(server: RangeServer): number {
  const ranged = server.requests.filter((r) => r.range !== null);
  let most = 0;
  for (const r of ranged) {
    const at = r.startedAtMs;
    const open = ranged.filter((o) => o.startedAtMs <= at && (o.endedAtMs === null || o.endedAtMs > at));
    most = Math.max(most, open.length);
  }
  return most;
}

describe('per-site rules in Chromium', () => {
  let browser: TestBrowser;
  let pages: PageServer;
  const servers: RangeServer[] = [];

  beforeAll(async () => {
    [browser, pages] = await Promise.all([launchBrowser(), createPageServer()]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), pages?.close(), ...servers.map((s) => s.close())]);
  });

  async function options(): Promise<Page> {
    const page = await extensionPage(browser);
    await page.reload();
    await expect.poll(() => page.inputValue('[name=connectionsPerDownload]')).not.toBe('');
    return page;
  }

  async function save(page: Page): Promise<void> {
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#status')).toMatch(/^Saved/);
  }

  async function click(url: string): Promise<void> {
    pages.html = linkPage(url);
    await browser.page.goto(pages.origin);
    await browser.page.click('#file');
  }

  async function serve(
    size: number,
    seed: number,
    name: string,
    bytesPerSecond = 2 * MIB,
  ): Promise<RangeServer> {
    const server = await throttledServer(
      patternSource(size, seed),
      { bytesPerSecond },
      { contentDisposition: `attachment; filename="${name}"` },
    );
    servers.push(server);
    return server;
  }

  it('"always" with 2 connections: a file below the threshold is accelerated on at most 2 ranges at once', async () => {
    const page = await options();
    await page.click('#add-site-rule');
    const row = page.locator('.site-rule').last();
    await row.locator('[name=ruleDomain]').fill('LOCALHOST');
    await row.locator('[name=ruleMode]').selectOption('always');
    await row.locator('[name=ruleConnections]').fill('2');
    await save(page);
    // The worker stored it normalised, and the page shows what was stored.
    await expect
      .poll(() => page.locator('.site-rule [name=ruleDomain]').first().inputValue())
      .toBe('localhost');

    const server = await serve(8 * MIB, 41, 'always.bin');
    await click(server.url.replace('127.0.0.1', 'localhost'));
    const path = await waitForFile(browser.downloadDir, 'always.bin', 8 * MIB);
    expect(await sha256File(path)).toBe(await sha256Of(patternSource(8 * MIB, 41)));
    const ranged = server.requests.filter((r) => r.range !== null);
    expect(ranged.length).toBeGreaterThan(2);
    expect(maxRangedAtOnce(server)).toBe(2);
  });

  it('"never" leaves a large file to the browser with a note; changed to "as usual", the next click is accelerated', async () => {
    const page = await options();
    await page.click('#add-site-rule');
    const row = page.locator('.site-rule').last();
    await row.locator('[name=ruleDomain]').fill('127.0.0.1');
    await row.locator('[name=ruleMode]').selectOption('never');
    await save(page);
    await clearSkipped(browser);

    const server = await serve(24 * MIB, 42, 'never.bin', 12 * MIB);
    await click(server.url);
    const path = await waitForFile(browser.downloadDir, 'never.bin', 24 * MIB);
    expect(await sha256File(path)).toBe(await sha256Of(patternSource(24 * MIB, 42)));
    expect(server.requests.filter((r) => r.range !== null)).toEqual([]);
    const { skipped } = await listSnapshot(browser);
    expect(skipped[0]?.reason).toMatch(/127\.0\.0\.1/);

    // Applied live: the same site, now "as usual", without reloading anything but the options page.
    const again = await options();
    const rows = again.locator('.site-rule');
    const domains = await rows
      .locator('[name=ruleDomain]')
      .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(domains).toEqual(['localhost', '127.0.0.1']);
    await rows.nth(1).locator('[name=ruleMode]').selectOption('auto');
    await save(again);
    const second = await serve(24 * MIB, 43, 'usual.bin');
    await click(second.url);
    await waitForFile(browser.downloadDir, 'usual.bin', 24 * MIB);
    expect(maxRangedAtOnce(second)).toBeGreaterThan(2);
  });

  it('a removed rule is gone once saved', async () => {
    const page = await options();
    const before = await page.locator('.site-rule').count();
    await page.locator('.site-rule').first().getByRole('button').click();
    await save(page);
    const after = await options();
    expect(await after.locator('.site-rule').count()).toBe(before - 1);
  });
});

describe('the options page in Simplified Chinese', () => {
  let browser: TestBrowser;
  beforeAll(async () => {
    browser = await launchBrowser({ extraArgs: ['--lang=zh-CN'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows its labels, buttons and title in Chinese', async () => {
    const page = await extensionPage(browser);
    await expect.poll(() => page.title()).toBe('下载加速器：设置');
    expect(await page.locator('#add-site-rule').textContent()).toBe('添加网站');
    expect(await page.locator('#aria2-test').textContent()).toBe('测试连接');
    expect(await page.locator('button[type=submit]').textContent()).toBe('保存');
    await page.click('#add-site-rule');
    const modes = await page.locator('.site-rule [name=ruleMode] option').allTextContents();
    expect(modes).toEqual(['按常规', '总是', '从不']);
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#status')).toMatch(/^已保存/);
  });
});
