import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/shared/job-view';
import { patternSource, type RangeServer, throttledServer } from '../server/index';
import { EXTENSION_ID, launchBrowser, sendFromExtensionPage, type TestBrowser } from './browser';
import { extensionPage, readStore, sleep } from './extension';

const MIB = 1024 * 1024;

/**
 * "incognito": "not_allowed": the extension cannot be enabled in incognito windows, so it never sees their
 * downloads and nothing of them reaches the regular profile. The test first grants incognito access the way
 * the user's "Allow in Incognito" switch does (chrome://extensions), so that with any other manifest value the
 * extension would see the download (measured with "spanning": downloads.search listed the incognito item).
 *
 * The incognito profile is not a DevTools browser context (Browser.setDownloadBehavior refuses its id), so its
 * download does not land in the test's directory: the browser's own request is cut short (the item ends
 * USER_CANCELED whether or not the extension can see it). What is checked is what the server and the extension saw.
 */
describe('incognito downloads', () => {
  let browser: TestBrowser;
  let server: RangeServer;

  beforeAll(async () => {
    [browser, server] = await Promise.all([
      launchBrowser(),
      throttledServer(
        patternSource(32 * MIB, 21),
        { bytesPerSecond: 64 * MIB },
        { path: '/private-file.bin', contentDisposition: 'attachment; filename="private-file.bin"' },
      ),
    ]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), server?.close()]);
  });

  /** The "Allow in Incognito" switch; a change reloads the extension, which then has to be enabled again. */
  async function allowInIncognito(): Promise<void> {
    const settings = await browser.context.newPage();
    await settings.goto('chrome://extensions');
    await settings.evaluate(async (extensionId) => {
      const api = (globalThis as unknown as { chrome: ExtensionsPageApi }).chrome;
      await new Promise<void>((resolve) =>
        api.developerPrivate.updateExtensionConfiguration({ extensionId, incognitoAccess: true }, resolve),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      await new Promise<void>((resolve) => api.management.setEnabled(extensionId, true, resolve));
    }, EXTENSION_ID);
    await settings.close();
  }

  /** The extension's pages are blocked while it reloads, and load again once it is enabled. */
  async function reopenedExtensionPage(): Promise<Page> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await extensionPage(browser);
      } catch (error) {
        if (attempt >= 40) throw error;
        for (const stale of browser.context.pages().filter((p) => p.url().startsWith('chrome-error:'))) {
          await stale.close();
        }
        await sleep(250);
      }
    }
  }

  it('are never seen by the extension, and nothing of them is stored or shown', async () => {
    await allowInIncognito();
    const page = await reopenedExtensionPage();
    expect(await page.evaluate(() => chrome.extension.isAllowedIncognitoAccess())).toBe(false);

    // The extension may open an incognito window, but it cannot see it, nor anything in it.
    const window = await page.evaluate((url) => chrome.windows.create({ incognito: true, url }), server.url);
    expect(window).toBeFalsy();
    await expect
      .poll(() => server.requests.length > 0 && server.requests.every((r) => r.endedAtMs !== null), {
        timeout: 15_000,
      })
      .toBe(true);
    await sleep(1500); // what a take-over would do (probe, ranges, a note) starts within this

    // The browser's own request only: no probe, no range from the extension.
    expect(server.requests.map((r) => r.range)).toEqual([null]);
    const reply = (await sendFromExtensionPage(browser, { type: 'jobs/list' })) as {
      ok: true;
      value: Snapshot;
    };
    expect(reply.value).toEqual({ jobs: [], skipped: [] });
    // The profile is fresh: the regular profile has no download at all.
    expect(await page.evaluate(() => chrome.downloads.search({}))).toEqual([]);
    const stored = await page.evaluate(async () =>
      JSON.stringify([await chrome.storage.local.get(null), await chrome.storage.session.get(null)]),
    );
    const records = JSON.stringify(await readStore(browser));
    for (const trace of [server.url, 'private-file']) {
      expect(stored).not.toContain(trace);
      expect(records).not.toContain(trace);
    }
  });
});

/** What chrome://extensions can call: the page behind the extension switches. */
interface ExtensionsPageApi {
  developerPrivate: {
    updateExtensionConfiguration(
      update: { extensionId: string; incognitoAccess: boolean },
      done: () => void,
    ): void;
  };
  management: { setEnabled(id: string, enabled: boolean, done: () => void): void };
}
