import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patternSource, type RangeServer, sha256Of, throttledServer } from '../server/index';
import { launchBrowser, sendFromExtensionPage, type TestBrowser, waitForFile } from './browser';
import { changeSettings, listJobs } from './extension';
import { sha256File } from './sha';

/**
 * Notifications of finished downloads in Chromium: none while the setting is off (the default); with it on, one
 * when a job completes (the file's name) and one when a job fails (its name and the reason), each shown once.
 * The notifications the extension created are listed with chrome.notifications.getAll() in its worker.
 */
const MIB = 1024 * 1024;
const WRONG = 'ab'.repeat(32);

describe('notifications in Chromium', () => {
  let browser: TestBrowser;
  const servers: RangeServer[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), ...servers.map((s) => s.close())]);
  });

  async function serve(seed: number, name: string, headers: Record<string, string> = {}) {
    const source = patternSource(8 * MIB, seed);
    const server = await throttledServer(
      source,
      { bytesPerSecond: 4 * MIB },
      { path: `/${name}`, extraHeaders: headers },
    );
    servers.push(server);
    return { source, server };
  }

  async function addLink(url: string): Promise<string> {
    const reply = (await sendFromExtensionPage(browser, { type: 'job/add-link', url })) as {
      ok: boolean;
      value: string;
    };
    expect(reply.ok).toBe(true);
    return reply.value;
  }

  async function status(id: string): Promise<string | undefined> {
    return (await listJobs(browser)).find((j) => j.id === id)?.state.status;
  }

  /** The ids of the extension's notifications now shown (their texts are unit-tested: notify.ts). */
  function shown(): Promise<string[]> {
    return browser.worker.evaluate(async () => Object.keys(await chrome.notifications.getAll()).sort());
  }

  it('shows none while the setting is off (the default)', async () => {
    const { source, server } = await serve(91, 'quiet.bin');
    const id = await addLink(server.url);
    expect(await sha256File(await waitForFile(browser.downloadDir, 'quiet.bin', source.size))).toBe(
      await sha256Of(source),
    );
    await expect.poll(() => status(id), { timeout: 30_000 }).toBe('completed');
    // Given the badge's pass (it notifies) time to run after the last change.
    await new Promise((r) => setTimeout(r, 500));
    expect(await shown()).toEqual([]);
  });

  it('with the setting on, one notification when a job completes and one when a job fails', async () => {
    await changeSettings(browser, { notifyOnFinish: true });
    const good = await serve(92, 'loud.bin');
    const done = await addLink(good.server.url);
    await waitForFile(browser.downloadDir, 'loud.bin', good.source.size);
    await expect.poll(() => status(done), { timeout: 30_000 }).toBe('completed');
    await expect.poll(shown, { timeout: 10_000 }).toEqual([`done-${done}`]);

    const bad = await serve(93, 'broken.bin', {
      digest: `SHA-256=${Buffer.from(WRONG, 'hex').toString('base64')}`,
    });
    const failed = await addLink(bad.server.url);
    await expect.poll(() => status(failed), { timeout: 30_000 }).toBe('failed');
    await expect.poll(shown, { timeout: 10_000 }).toEqual([`done-${done}`, `failed-${failed}`].sort());
  });
});
