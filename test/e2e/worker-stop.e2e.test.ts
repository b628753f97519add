import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  patternSource,
  type RangeServer,
  type RequestRecord,
  sha256Of,
  throttledServer,
} from '../server/index';
import { launchBrowser, type TestBrowser, waitForFile } from './browser';
import {
  changeSettings,
  clickLink,
  extensionPage,
  openPopup,
  openRequests,
  rangedBytes,
  readStore,
  sleep,
  stopWorker,
} from './extension';
import { createPageServer, type PageServer } from './pages';
import { sha256File } from './sha';

const MIB = 1024 * 1024;
/** The store's piece size (PREFERRED_WRITE_BYTES): what one connection can lose to an interruption. */
const PIECE_BYTES = 8 * MIB;
/**
 * Two connections, so that a piece (8 MiB) is small next to each connection's share of the file and the bound
 * below can fail: with six, each connection's share of 64 MiB is barely more than one piece, and a job that
 * kept nothing would still re-fetch less than six pieces per stop.
 */
const CONNECTIONS = 2;
const STOPS = 3;

let browser: TestBrowser;
let pages: PageServer;
let server: RangeServer;

beforeAll(async () => {
  [browser, pages] = await Promise.all([launchBrowser(), createPageServer()]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), pages?.close(), server?.close()]);
});

interface Range {
  start: number;
  end: number;
}

function requestedRange(r: RequestRecord, size: number): Range | null {
  const m = /^bytes=(\d+)-(\d*)$/.exec(r.range ?? '');
  return m ? { start: Number(m[1]), end: m[2] ? Number(m[2]) : size - 1 } : null;
}

const overlaps = (a: Range, b: Range) => a.start <= b.end && b.start <= a.end;

// docs/platform.md facts 1 and 2: Chromium may stop the worker at any instant; every job resumes from
// IndexedDB, and an interruption costs at most about one piece per connection.
it('survives three worker stops mid-download, re-fetching at most one piece per connection per stop', async () => {
  const source = patternSource(64 * MIB, 41);
  server = await throttledServer(source, { bytesPerSecond: 2.5 * MIB }, { path: '/stopped.bin' });
  const expected = sha256Of(source);
  await extensionPage(browser); // opened first: reading IndexedDB from it later wakes nothing
  await changeSettings(browser, { connectionsPerDownload: CONNECTIONS });
  await clickLink(browser, pages, server.url);

  const lost: number[] = [];
  let sentBefore = 0;
  let committedBefore = 0;
  for (let stop = 1; stop <= STOPS; stop++) {
    // Long enough for each connection to commit a piece: the session must make progress.
    await expect.poll(() => rangedBytes(server) - sentBefore, { timeout: 30_000 }).toBeGreaterThan(20 * MIB);
    await stopWorker(browser);
    await expect.poll(() => openRequests(server), { timeout: 5_000 }).toBe(0); // the fetches died with it
    await sleep(300);
    const stored = await readStore(browser);
    const committed = stored.pieces.reduce((sum, [, start, end]) => sum + end - start + 1, 0);
    const sent = rangedBytes(server);
    // Bytes fetched in this session that no piece holds: lost to the stop.
    lost.push(sent - sentBefore - (committed - committedBefore));
    expect(lost.at(-1)).toBeLessThanOrEqual(CONNECTIONS * PIECE_BYTES);
    [sentBefore, committedBefore] = [sent, committed];
    const requestsBefore = server.requests.length;

    // The popup's Port wakes it (a user looking; no-debugger.e2e.test.ts covers the alarm, the wake when
    // nobody looks, which takes up to 30 s).
    const popup = await openPopup(browser);
    await expect.poll(() => server.requests.length, { timeout: 10_000 }).toBeGreaterThan(requestsBefore);
    await popup.close();

    // The resumed requests carry If-Range and never ask again for a committed byte.
    const pieces = stored.pieces.map(([, start, end]) => ({ start, end }));
    const resumed = server.requests.slice(requestsBefore);
    expect(resumed.every((r) => r.ifRange !== null)).toBe(true);
    for (const r of resumed) {
      const range = requestedRange(r, source.size);
      expect(range).not.toBeNull();
      expect(pieces.filter((p) => overlaps(p, range as Range))).toEqual([]);
    }
  }

  await waitForFile(browser.downloadDir, 'stopped.bin', source.size, { timeoutMs: 60_000 });
  expect(await sha256File(`${browser.downloadDir}/stopped.bin`)).toBe(await expected);
  const refetched = rangedBytes(server) - source.size;
  console.info(
    `re-fetched ${(refetched / MIB).toFixed(1)} MiB over ${STOPS} stops ` +
      `(lost per stop: ${lost.map((b) => (b / MIB).toFixed(1)).join(', ')} MiB; ` +
      `bound ${STOPS} x ${CONNECTIONS} x ${PIECE_BYTES / MIB} MiB = ${(STOPS * CONNECTIONS * PIECE_BYTES) / MIB} MiB)`,
  );
  expect(refetched).toBeLessThanOrEqual(STOPS * CONNECTIONS * PIECE_BYTES);
});
