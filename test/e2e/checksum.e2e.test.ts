import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
import { clickLink, listJobs, readStore } from './extension';
import { createPageServer, type PageServer } from './pages';
import { sha256File } from './sha';

const MIB = 1024 * 1024;
const WRONG = 'ab'.repeat(32);

/**
 * The saved file's SHA-256, hashed as the save streams it, held to the user's hash (job/expect-sha256, the
 * popup's field) and to the server's Repr-Digest or Digest header: a match is shown on the job, a mismatch
 * fails the job with the reason and leaves no file under its name, nor a partial one.
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

  it("a clicked link whose Repr-Digest matches lands, and the job shows the file's SHA-256 as verified", async () => {
    const { source, sha, server } = await serve(71, 'repr-ok.bin', 48 * MIB, (s) => ({
      'repr-digest': `sha-512=:${'A'.repeat(86)}==:, sha-256=:${hexToBase64(s)}:`,
    }));
    await clickLink(browser, pages, server.url);
    expect(await sha256File(await waitForFile(browser.downloadDir, 'repr-ok.bin', source.size))).toBe(sha);
    const view = (await listJobs(browser)).find((j) => j.filename === 'repr-ok.bin');
    await expect.poll(async () => (await job(view?.id ?? ''))?.state.status).toBe('completed');
    expect(await job(view?.id ?? '')).toMatchObject({
      sha256: sha,
      integrity: 'verified',
      integrityNote: "matches the server's Repr-Digest",
    });
  });

  it('a legacy Digest header that differs fails the job with the reason, and no file is left', async () => {
    const { server } = await serve(72, 'digest-bad.bin', 12 * MIB, () => ({
      digest: `SHA-256=${hexToBase64(WRONG)}`,
    }));
    const id = await addLink(server.url);
    const view = await failsWithoutFile(id, 'digest-bad.bin');
    expect(view.state).toMatchObject({ error: { code: 'CHECKSUM_MISMATCH' } });
    expect(view.integrity).toBe('mismatch');
    expect(view.integrityNote).toContain(`but the server's Digest header is ${WRONG}`);
    // Its pieces are cleared: a retry fetches the file again.
    expect((await readStore(browser)).done[id]).toEqual([]);
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
