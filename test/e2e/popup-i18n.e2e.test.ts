import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { correctServer, patternSource, type RangeServer, sha256Of, throttledServer } from '../server/index';
import { EXTENSION_ORIGIN, launchBrowser, type TestBrowser, waitForFile } from './browser';
import { listJobs } from './extension';
import { createPageServer, linkPage, type PageServer } from './pages';

/**
 * The popup in Simplified Chinese (Chromium's UI language `--lang=zh-CN`) and a dark colour scheme, during a
 * throttled download: its text is Chinese, its background dark, the toolbar badge shows the percent and clears
 * once nothing runs, the segment map is drawn with stored and fetching spans, and the buttons work from the
 * keyboard and keep focus across live updates; the job's own speed limit is set from its menu; finished, it shows
 * its measured gain and SHA-256, and "clear finished" removes it. Screenshots: test-results/popup-zh-dark-*.png.
 */
const MIB = 1024 * 1024;
const ARTIFACTS = resolve(import.meta.dirname, '../../test-results');
const NAME = 'a-rather-long-file-name-to-check-that-the-popup-layout-holds-with-it-2026-12-03-v2.bin';

let browser: TestBrowser;
let pages: PageServer;
let server: RangeServer;
let pasted: RangeServer | undefined;

beforeAll(async () => {
  [browser, pages] = await Promise.all([launchBrowser({ extraArgs: ['--lang=zh-CN'] }), createPageServer()]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), pages?.close(), server?.close(), pasted?.close()]);
});

const badge = () =>
  browser.worker.evaluate(async () => ({
    text: await chrome.action.getBadgeText({}),
    title: await chrome.action.getTitle({}),
  }));

/** Pixels of the job's segment map by colour: the theme's stored, fetching, received and left colours. */
function mapPixels(popup: Page): Promise<Record<string, number>> {
  return popup.locator('.job canvas.segments').evaluate((canvas: HTMLCanvasElement) => {
    const style = getComputedStyle(canvas);
    const names = ['stored', 'fetching', 'received', 'left'];
    const probe = document.createElement('canvas').getContext('2d')!;
    const rgb = new Map<string, string>();
    for (const name of names) {
      probe.fillStyle = style.getPropertyValue(`--map-${name}`).trim();
      probe.fillRect(0, 0, 1, 1);
      const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
      rgb.set(`${r},${g},${b}`, name);
    }
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, 1).data;
    const counts: Record<string, number> = { stored: 0, fetching: 0, received: 0, left: 0, other: 0 };
    for (let i = 0; i < data.length; i += 4) {
      const name = rgb.get(`${data[i]},${data[i + 1]},${data[i + 2]}`) ?? 'other';
      counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
  });
}

/** Relative luminance of a CSS `rgb(r, g, b)` colour, 0 (black) to 1 (white). */
function luminance(color: string): number {
  const [r, g, b] = (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 1) + 0.7152 * (g ?? 1) + 0.0722 * (b ?? 1);
}

it('speaks Chinese in the dark, with the badge and the segment map of a running download', async () => {
  const source = patternSource(40 * MIB, 33);
  const expected = sha256Of(source);
  server = await throttledServer(source, { bytesPerSecond: 1 * MIB }, { path: `/${NAME}` });

  const popup = await browser.context.newPage();
  await popup.emulateMedia({ colorScheme: 'dark' });
  await popup.setViewportSize({ width: 420, height: 560 });
  await popup.goto(`${EXTENSION_ORIGIN}/src/popup/popup.html`);
  await popup.locator('#empty').waitFor({ state: 'visible' });

  // The browser picked zh_CN from _locales (its catalog names itself); the page says so, every string is Chinese.
  expect(await popup.evaluate(() => chrome.i18n.getMessage('locale_tag'))).toBe('zh-CN');
  expect(await popup.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
  expect(await popup.locator('h1').textContent()).toBe('下载');
  expect(await popup.locator('#empty').textContent()).toMatch(/^当前没有下载/);
  expect(await popup.locator('#add-link input[name=url]').getAttribute('placeholder')).toBe(
    '粘贴要下载的链接',
  );
  const background = await popup.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(luminance(background)).toBeLessThan(0.05);
  expect(luminance(await popup.locator('h1').evaluate((h) => getComputedStyle(h).color))).toBeGreaterThan(
    0.6,
  );
  expect(await badge()).toEqual({ text: '', title: '下载加速器' });

  pages.html = linkPage(server.url);
  await browser.page.goto(pages.origin);
  await browser.page.click('#file');

  const job = popup.locator('.job').first();
  await job.locator('.state.running').waitFor();
  expect(await job.locator('.state').textContent()).toBe('下载中');
  await expect
    .poll(async () => (await job.locator('.stats').textContent()) ?? '')
    .toMatch(/^[\d.]+ [KM]iB \/ 40 MiB · \d+% · [\d.]+ [KM]iB\/s · .* · [1-6] 个连接$/);

  // The badge: the overall percent while the download runs, the tooltip in Chinese.
  await expect.poll(async () => (await badge()).text).toMatch(/^\d{1,2}%$/);
  expect((await badge()).title).toMatch(/^下载加速器：1 个下载进行中，已完成 \d+%$/);

  // The segment map: connections' spans now, stored spans once pieces land, more stored later.
  await expect.poll(async () => (await mapPixels(popup)).fetching).toBeGreaterThan(0);
  await expect.poll(async () => (await mapPixels(popup)).stored).toBeGreaterThan(0);
  const first = await mapPixels(popup);
  expect(first.left).toBeGreaterThan(0);
  expect(first.other).toBe(0);
  await expect.poll(async () => (await mapPixels(popup)).stored).toBeGreaterThan(first.stored ?? 0);
  expect(await job.locator('canvas.segments').getAttribute('aria-label')).toMatch(
    /^分段图：已保存 \d+%，\d 个连接正在下载$/,
  );

  // A long name is cut with an ellipsis, never widening the popup.
  expect(await popup.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);

  await mkdir(ARTIFACTS, { recursive: true });
  await popup.screenshot({ path: resolve(ARTIFACTS, 'popup-zh-dark-running.png') });

  // Keyboard: the focused Pause button keeps its focus through live updates; Enter pauses; focus moves to Resume.
  const pause = job.locator('button.action-pause');
  expect(await pause.getAttribute('aria-label')).toMatch(/^暂停：/);
  await pause.focus();
  await new Promise((r) => setTimeout(r, 1000)); // four snapshots or so
  expect(await pause.evaluate((b) => b === document.activeElement)).toBe(true);
  await popup.keyboard.press('Enter');
  await job.locator('.state.paused').waitFor();
  expect(await job.locator('button.action-resume').evaluate((b) => b === document.activeElement)).toBe(true);

  // Nothing runs: the badge clears.
  await expect.poll(async () => (await badge()).text).toBe('');
  await popup.screenshot({ path: resolve(ARTIFACTS, 'popup-zh-dark-paused.png') });

  // The job's own speed limit: chosen in its menu, carried by the next snapshots; back to the setting.
  const limit = job.locator('.job-limit select');
  expect(await limit.getAttribute('aria-label')).toMatch(/的限速$/);
  await limit.selectOption(String(50 * MIB));
  await expect.poll(async () => (await listJobs(browser))[0]?.limitBytesPerSecond).toBe(50 * MIB);
  await limit.selectOption('');
  await expect.poll(async () => (await listJobs(browser))[0]?.limitBytesPerSecond).toBeNull();

  // Finished: the measured gain and the file's SHA-256 in Chinese, then "clear finished" empties the list.
  await job.locator('button.action-resume').click();
  await waitForFile(browser.downloadDir, NAME, source.size, { timeoutMs: 90_000 });
  await job.locator('.state.completed').waitFor();
  const gain = (await job.locator('.gain').textContent()) ?? '';
  expect(gain).toMatch(/^单个连接速度的 \d+\.\d 倍$/);
  expect(Number(gain.match(/[\d.]+/)?.[0])).toBeGreaterThan(1.5); // six connections capped at 1 MiB/s each
  await job.locator('.hash summary').click();
  await expect.poll(async () => job.locator('.sha256').textContent()).toBe(await expected);
  await popup.screenshot({ path: resolve(ARTIFACTS, 'popup-zh-dark-completed.png') });

  // The hash the user expects, typed into the finished job's field: the saved file is judged again at once.
  const hashField = job.locator('.hash input[name=sha256]');
  expect(await hashField.getAttribute('aria-label')).toBe(`${NAME} 的预期 SHA-256`);
  const integrity = job.locator('.hash .integrity');
  await hashField.fill('0'.repeat(64));
  await hashField.press('Enter');
  await expect.poll(async () => (await listJobs(browser))[0]?.expectedSha256).toBe('0'.repeat(64));
  await expect.poll(() => integrity.getAttribute('data-result')).toBe('mismatch');
  expect(await integrity.textContent()).toContain(`但你提供的 SHA-256为 ${'0'.repeat(64)}`);
  await hashField.fill((await expected).toUpperCase());
  await job.locator('.hash button.check').click();
  await expect.poll(async () => (await listJobs(browser))[0]?.expectedSha256).toBe(await expected);
  await expect.poll(() => integrity.getAttribute('data-result')).toBe('verified');
  expect(await integrity.textContent()).toContain('与你提供的 SHA-256一致');
  const clear = popup.locator('#clear-finished');
  expect(await clear.textContent()).toBe('清除已完成');
  await clear.click();
  await job.waitFor({ state: 'detached' });
  expect(await clear.isHidden()).toBe(true);
});

it("takes a pasted link with the SHA-256 the user expects, in Chinese, and holds the job's file to it", async () => {
  const source = patternSource(2 * MIB, 34);
  pasted = await correctServer(source, { path: '/pasted-with-hash.bin' });
  const popup = await browser.context.newPage();
  await popup.goto(`${EXTENSION_ORIGIN}/src/popup/popup.html`);
  const link = popup.locator('#add-link input[name=url]');
  const hash = popup.locator('#add-link input[name=sha256]');
  expect(await hash.getAttribute('placeholder')).toBe('预期的 SHA-256（可选）');
  expect(await hash.getAttribute('aria-label')).toBe('链接文件的预期 SHA-256（可选）');

  // Not a SHA-256: refused in the popup, nothing fetched.
  await link.fill(pasted.url);
  await hash.fill('abc');
  await hash.press('Enter');
  const error = popup.locator('#add-link .error');
  await expect.poll(() => error.textContent()).toBe('SHA-256 应为 64 位十六进制数字。');
  expect(pasted.requests).toEqual([]);

  // From the keyboard: Tab from the link to the hash, Enter; the job expects it from the start.
  const sha256 = await sha256Of(source);
  await link.focus();
  await popup.keyboard.press('Tab');
  expect(await hash.evaluate((h) => h === document.activeElement)).toBe(true);
  await hash.fill(sha256.toUpperCase());
  await popup.keyboard.press('Enter');
  await expect
    .poll(async () => (await listJobs(browser)).find((j) => j.url === pasted?.url)?.expectedSha256)
    .toBe(sha256);
  // The fields empty once the worker has answered (the job is stored before it answers).
  await expect.poll(() => link.inputValue()).toBe('');
  expect(await hash.inputValue()).toBe('');
  expect(await error.isHidden()).toBe(true);
  await waitForFile(browser.downloadDir, 'pasted-with-hash.bin', source.size);
  await expect
    .poll(async () => (await listJobs(browser)).find((j) => j.url === pasted?.url)?.integrity)
    .toBe('verified');
  await popup.close();
});
