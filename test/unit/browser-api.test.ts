import { beforeEach, describe, expect, it } from 'vitest';
import { browser } from '../../src/shared/browser-api';
import { type FakeChrome, installFakeChrome } from './fake-chrome';

/**
 * The `browser` object the code calls is webextension-polyfill's wrapper over the fake `chrome` (as over Chromium's):
 * callback-style calls come back as promises, a failure reported through `chrome.runtime.lastError` rejects, and
 * a fresh fake state is seen through the same wrapper.
 */
let fake: FakeChrome;
beforeEach(() => {
  fake = installFakeChrome();
});

describe('browser (webextension-polyfill over the fake chrome)', () => {
  it('turns callback-style downloads calls into promises', async () => {
    const id = await browser.downloads.download({ url: 'https://example.com/a.bin', filename: 'a.bin' });
    expect(fake.started).toEqual([{ url: 'https://example.com/a.bin', filename: 'a.bin' }]);
    const found = await browser.downloads.search({ id });
    expect(found.map((d) => d.id)).toEqual([id]);
  });

  it('sees a new fake state through the same wrapper', async () => {
    await browser.downloads.download({ url: 'https://example.com/b.bin' });
    const again = installFakeChrome();
    expect(await browser.downloads.search({})).toEqual([]);
    expect(again.started).toEqual([]);
  });

  it('rejects with the message chrome.runtime.lastError carries', async () => {
    fake.beforeCancel = () => {
      throw new Error('Download must be in progress');
    };
    await expect(browser.downloads.cancel(1)).rejects.toThrow('Download must be in progress');
  });

  it('rejects a call with too many arguments before it reaches chrome', async () => {
    const cancel = browser.downloads.cancel as unknown as (...args: unknown[]) => Promise<void>;
    expect(() => cancel(1, 2)).toThrow(/at most 1 argument/);
  });
});
