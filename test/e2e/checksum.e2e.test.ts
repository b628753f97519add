import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../src/shared/job-view';
import { hexToBase64 } from '../helpers/accel-cli';
import { patternSource, type RangeServer, sha256Of, throttledServer } from '../server/index';
import {
  launchBrowser,
  listDownloads,
  sendFromExtensionPage,
  type TestBrowser,
  waitForFile,
} from './browser';
import { clickLink, listJobs, openPopup, readStore } from './extension';
import { createPageServer, type PageServer } from './pages';
import { sha256File } from './sha';

const MIB = 1024 * 1024;
const WRONG = 'ab'.repeat(32);
/** A message of the English catalog: the popup's words in this browser. */
function en(key: string): string {
  const catalog = JSON.parse(
    readFileSync(resolve(import.meta.dirname, '../../public/_locales/en/messages.json'), 'utf8'),
  ) as Record<string, { message: string } | undefined>;
  const message = catalog[key]?.message;
  if (message === undefined) throw new Error(`no ${key} in the English catalog`);
  return message;
}

/**
 * The saved file's SHA-256, hashed as the save streams it, held to the user's hash (job/expect-sha256, the
 * popup's field) and to the server's Repr-Digest or Digest header: a match is shown on the job, a mismatch
 * fails the job with the reason and leaves no file under its name, nor a partial one. The popup shows the
 * failure's title and both hashes.
 */
describe('checksums in Chromium', () => {
  let browser: TestBrowser;
  let pages: PageServer;
  const servers: RangeServer[] = [];

  beforeAll(async () => {
    [browser, pages] = await Promise.all([launchBrowser(), createPageServer()]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), pages?.close(), ...servers.map((s) => s.close())]);
  });

  async function serve(
    seed: number,
    name: string,
    sizeBytes: number,
    headers: (sha: string) => Record<string, string>,
  ) {
    const source = patternSource(sizeBytes, seed);
    const sha = await sha256Of(source);
    const server = await throttledServer(
      source,
      { bytesPerSecond: 4 * MIB },
      { path: `/${name}`, extraHeaders: headers(sha) },
    );
    servers.push(server);
    return { source, sha, server };
  }

  async function addLink(url: string): Promise<string> {
    const reply = (await sendFromExtensionPage(browser, { type: 'job/add-link', url })) as { value: string };
    return reply.value;
  }

  async function job(id: string): Promise<JobView | undefined> {
    return (await listJobs(browser)).find((j) => j.id === id);
  }

  /** Waits for the job to fail while checking that the file never appears under its name. */
  async function failsWithoutFile(id: string, name: string): Promise<JobView> {
    const path = join(browser.downloadDir, name);
    let view: JobView | undefined;
    await expect
      .poll(
        async () => {
          expect(existsSync(path), `${name} appeared`).toBe(false);
          view = await job(id);
          return view?.state.status;
        },
        { timeout: 60_000, interval: 50 },
      )
      .toBe('failed');
    // The browser's partial file goes too.
    await expect
      .poll(async () => (await listDownloads(browser.downloadDir)).filter((f) => f.endsWith('.crdownload')), {
        timeout: 10_000,
      })
      .toEqual([]);
    expect(existsSync(path)).toBe(false);
    return view as JobView;
  }

  /** The two header forms a server states the file's SHA-256 in, and how the job's note names each. */
  const FORMS = {
    // A Dictionary with another algorithm first: only sha-256 is read.
    'Repr-Digest': {
      headers: (base64: string) => ({ 'repr-digest': `sha-512=:${'A'.repeat(86)}==:, sha-256=:${base64}:` }),
      source: "the server's Repr-Digest",
    },
    // The legacy list, another algorithm first.
    Digest: {
      headers: (base64: string) => ({ digest: `MD5=${'A'.repeat(22)}==, SHA-256=${base64}` }),
      source: "the server's Digest header",
    },
  } as const;

  const LANDS = 'the file lands byte for byte and the job shows it verified';
  const FAILS =
    'the job fails with CHECKSUM_MISMATCH, no file is left, and the popup shows why with both hashes';
  it.each([
    ['Repr-Digest', 'right', LANDS, 71],
    ['Repr-Digest', 'wrong', FAILS, 72],
    ['Digest', 'right', LANDS, 75],
    ['Digest', 'wrong', FAILS, 76],
  ] as const)('a clicked link whose %s header is %s: %s', async (form, outcome, _, seed) => {
    const name = `${form.toLowerCase()}-${outcome}.bin`;
    const { headers, source: stated } = FORMS[form];
    // Above the 16 MiB threshold, so the click is taken over.
    const { source, sha, server } = await serve(seed, name, 24 * MIB, (s) =>
      headers(hexToBase64(outcome === 'right' ? s : WRONG)),
    );
    await clickLink(browser, pages, server.url);
    let id = '';
    await expect
      .poll(async () => {
        id = (await listJobs(browser)).find((j) => j.filename === name)?.id ?? '';
        return id;
      })
      .not.toBe('');

    if (outcome === 'right') {
      expect(await sha256File(await waitForFile(browser.downloadDir, name, source.size))).toBe(sha);
      await expect.poll(async () => (await job(id))?.state.status).toBe('completed');
      expect(await job(id)).toMatchObject({
        sha256: sha,
        integrity: 'verified',
        integrityNote: `matches ${stated}`,
      });
      return;
    }

    const view = await failsWithoutFile(id, name);
    expect(view.state).toMatchObject({ error: { code: 'CHECKSUM_MISMATCH' } });
    expect(view).toMatchObject({ sha256: sha, integrity: 'mismatch' });
    expect(view.integrityNote).toBe(
      `checksum mismatch: the file's SHA-256 is ${sha}, but ${stated} is ${WRONG}`,
    );
    // Its pieces are cleared: a retry fetches the file again.
    expect((await readStore(browser)).done[id]).toEqual([]);

    // What the popup shows: the failure's title in the note, and in the SHA-256 disclosure the verdict with
    // both hashes.
    const popup = await openPopup(browser);
    try {
      const item = popup.locator(`.job[data-job-id="${id}"]`);
      await item.locator('.state.failed').waitFor();
      const note = item.locator('.note');
      await note.waitFor({ state: 'visible' });
      expect(await note.textContent()).toContain(en('failure_checksum'));
      await item.locator('.hash summary').click();
      const verdict = item.locator('.hash .integrity[data-result="mismatch"]');
      await verdict.waitFor({ state: 'visible' });
      const text = (await verdict.textContent()) ?? '';
      expect(text).toContain(en('hash_mismatch'));
      expect(text).toContain(sha);
      expect(text).toContain(WRONG);
      expect(await item.locator('.hash .sha256').textContent()).toBe(sha);
    } finally {
      await popup.close();
    }
  });

  it("the user's hash, given while the file downloads: a wrong one fails the job, the right one verifies it", async () => {
    const wrong = await serve(73, 'user-bad.bin', 12 * MIB, () => ({}));
    const id = await addLink(wrong.server.url);
    // Set while running (the download takes about 1.5 s at 4 connections of 4 MiB/s, 3 s at two).
    await expect.poll(async () => (await job(id))?.state.status).toBe('running');
    expect(
      await sendFromExtensionPage(browser, { type: 'job/expect-sha256', jobId: id, sha256: WRONG }),
    ).toEqual({
      ok: true,
      value: null,
    });
    const failed = await failsWithoutFile(id, 'user-bad.bin');
    expect(failed.expectedSha256).toBe(WRONG);
    expect(failed.integrityNote).toContain(`but the SHA-256 you gave is ${WRONG}`);
    expect(failed.sha256).toBe(wrong.sha);

    const right = await serve(74, 'user-ok.bin', 12 * MIB, (s) => ({
      'repr-digest': `sha-256=:${hexToBase64(s)}:`,
    }));
    const okId = await addLink(right.server.url);
    await sendFromExtensionPage(browser, {
      type: 'job/expect-sha256',
      jobId: okId,
      sha256: right.sha.toUpperCase(),
    });
    expect(await sha256File(await waitForFile(browser.downloadDir, 'user-ok.bin', right.source.size))).toBe(
      right.sha,
    );
    await expect.poll(async () => (await job(okId))?.integrity).toBe('verified');
    expect((await job(okId))?.integrityNote).toBe(
      "matches the SHA-256 you gave and the server's Repr-Digest",
    );
  });

  it('refuses an expected hash that is not 64 hex digits', async () => {
    const reply = (await sendFromExtensionPage(browser, {
      type: 'job/expect-sha256',
      jobId: '6f1c1a1e-1c1a-4c1a-8c1a-1c1a1c1a1c1a',
      sha256: 'abc',
    })) as { ok: boolean };
    expect(reply.ok).toBe(false);
  });
});
