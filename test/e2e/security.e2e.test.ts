import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTENSION_ID, launchBrowser, sendFromExtensionPage, type TestBrowser } from './browser';
import { listJobs } from './extension';
import { createPageServer, type PageServer } from './pages';

describe('(f) the message protocol', () => {
  let browser: TestBrowser;
  let pages: PageServer;

  beforeAll(async () => {
    [browser, pages] = await Promise.all([launchBrowser(), createPageServer()]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), pages?.close()]);
  });

  it('cannot be reached from a web page (no externally_connectable, no content scripts)', async () => {
    await browser.page.goto(pages.origin);
    const outcome = await browser.page.evaluate(async (id) => {
      const runtime = (
        globalThis as { chrome?: { runtime?: { sendMessage?: (...a: unknown[]) => unknown } } }
      ).chrome?.runtime;
      if (typeof runtime?.sendMessage !== 'function') return 'no runtime.sendMessage';
      try {
        return `answered: ${JSON.stringify(await runtime.sendMessage(id, { type: 'settings/get' }))}`;
      } catch (error) {
        return `rejected: ${String(error)}`;
      }
    }, EXTENSION_ID);
    expect(outcome).not.toMatch(/^answered/);
  });

  it("cannot read the worker's save streams from a web page (no web_accessible_resources)", async () => {
    await browser.page.goto(pages.origin);
    const outcome = await browser.page.evaluate(async (id) => {
      try {
        const response = await fetch(`chrome-extension://${id}/save/00000000-0000-4000-8000-000000000000`);
        return `answered ${response.status}`;
      } catch (error) {
        return `rejected: ${String(error)}`;
      }
    }, EXTENSION_ID);
    expect(outcome).toMatch(/^rejected/);
  });

  it('the worker exposes nothing of its own on globalThis', async () => {
    // A handle put there (Object.assign(globalThis, ...), globalThis.x = ...) is an enumerable data property;
    // the platform's own are accessors, native functions, and the chrome and browser namespaces.
    const added = await browser.worker.evaluate(() =>
      Object.keys(globalThis).filter((key) => {
        const property = Object.getOwnPropertyDescriptor(globalThis, key);
        if (!property || !('value' in property) || key === 'chrome' || key === 'browser') return false;
        const native =
          typeof property.value === 'function' &&
          /\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(property.value));
        return !native;
      }),
    );
    expect(added).toEqual([]);
    expect(
      await browser.worker.evaluate(() => typeof (globalThis as { accelerator?: unknown }).accelerator),
    ).toBe('undefined');
  });

  it('answers a valid request from its own page', async () => {
    const reply = (await sendFromExtensionPage(browser, { type: 'settings/get' })) as {
      ok: boolean;
      value: { connectionsPerDownload: number };
    };
    expect(reply.ok).toBe(true);
    expect(reply.value.connectionsPerDownload).toBe(6);
  });

  it.each([
    ['an unknown type', { type: 'downloads/erase-all' }],
    ['no type', { jobId: '00000000-0000-4000-8000-000000000000' }],
    ['a malformed job id', { type: 'job/cancel', jobId: '../../etc' }],
    ['an extra field', { type: 'jobs/list', script: 'alert(1)' }],
    [
      'settings out of range',
      {
        type: 'settings/set',
        settings: {
          autoCapture: true,
          thresholdBytes: 1,
          connectionsPerDownload: 64,
          concurrentDownloads: 3,
          excludedDomains: [],
        },
      },
    ],
    [
      'a bad domain',
      {
        type: 'settings/set',
        settings: {
          autoCapture: true,
          thresholdBytes: 1,
          connectionsPerDownload: 6,
          concurrentDownloads: 3,
          excludedDomains: ['<script>'],
        },
      },
    ],
    ['a link that is not http(s)', { type: 'job/add-link', url: 'file:///etc/passwd' }],
    [
      'a link from a page that is not http(s)',
      { type: 'job/add-link', url: 'https://example.com/a', pageUrl: 'chrome://settings' },
    ],
    [
      'a link with a field the worker sets itself',
      { type: 'job/add-link', url: 'https://example.com/a', filename: '../a' },
    ],
    ['an offscreen command sent to the worker', { type: 'offscreen/save', url: 'https://example.com/x' }],
    ['a non-object', 'settings/get'],
  ])('rejects a forged payload: %s', async (_name, message) => {
    const reply = (await sendFromExtensionPage(browser, message)) as
      | { ok: boolean; error?: { name: string } }
      | undefined;
    // An offscreen-only message is ignored by the worker (nothing answers while no offscreen document is open).
    if (reply === undefined) return expect(message).toMatchObject({ type: 'offscreen/save' });
    expect(reply.ok).toBe(false);
    expect(reply.error?.name).toBe('InvalidMessage');
    // Nothing changed: the settings are still the defaults.
    const settings = (await sendFromExtensionPage(browser, { type: 'settings/get' })) as { value: unknown };
    expect(settings.value).toMatchObject({ connectionsPerDownload: 6, excludedDomains: [] });
    expect(await listJobs(browser)).toEqual([]);
  });
});
