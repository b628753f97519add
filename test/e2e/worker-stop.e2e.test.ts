import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type FileSource,
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
const STOPS = 3;

let browser: TestBrowser;
let pages: PageServer;
const servers: RangeServer[] = [];

beforeAll(async () => {
  [browser, pages] = await Promise.all([launchBrowser(), createPageServer()]);
  await extensionPage(browser); // opened first: reading IndexedDB from it later wakes nothing
});
afterAll(async () => {
  await Promise.all([browser?.close(), pages?.close(), ...servers.map((s) => s.close())]);
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
const mib = (bytes: number) => (bytes / MIB).toFixed(1);

interface StopRun {
  connections: number;
  bytesPerSecond: number;
  /** Bytes each worker fetches before it is stopped. */
  fetchBeforeStop: number;
  name: string;
}

const ranged = (r: RequestRecord) => r.range !== null;
const within = (p: Range, r: Range) => r.start <= p.start && p.end <= r.end;
const sum = (ranges: readonly Range[]) => ranges.reduce((bytes, r) => bytes + r.end - r.start + 1, 0);

/** Bytes sent so far by the ranged responses still open: what a stop at this instant would lose. */
const inFlight = (server: RangeServer) =>
  server.requests
    .filter((r) => ranged(r) && r.endedAtMs === null)
    .reduce((bytes, r) => bytes + r.bytesSent, 0);

/**
 * Downloads a 64 MiB file through STOPS worker stops and returns, per stop, the bytes the stopped worker's
 * requests were sent that none of its stored pieces holds (lost to the stop), the most bytes ever in flight at
 * once, and the total re-fetched. Checks on the way that every resumed request carries If-Range and never asks
 * again for a committed byte, and that the file lands exact.
 */
async function downloadThroughStops(
  run: StopRun,
): Promise<{ lost: number[]; peakInFlight: number; refetched: number }> {
  const source: FileSource = patternSource(64 * MIB, 41);
  const server = await throttledServer(
    source,
    { bytesPerSecond: run.bytesPerSecond },
    { path: `/${run.name}` },
  );
  servers.push(server);
  const expected = sha256Of(source);
  await changeSettings(browser, { connectionsPerDownload: run.connections });
  let peakInFlight = 0;
  const sampler = setInterval(() => {
    peakInFlight = Math.max(peakInFlight, inFlight(server));
  }, 20);
  try {
    await clickLink(browser, pages, server.url);
    const lost: number[] = [];
    let sentBefore = 0;
    let held: Range[] = [];
    for (let stop = 1; stop <= STOPS; stop++) {
      // Long enough for each connection to commit a piece: the session must make progress.
      await expect
        .poll(() => rangedBytes(server) - sentBefore, { timeout: 30_000 })
        .toBeGreaterThan(run.fetchBeforeStop);
      await stopWorker(browser);
      const stoppedAtMs = performance.now();
      const before = (r: RequestRecord) => r.startedAtMs < stoppedAtMs;
      // The fetches died with it (the save's stream may wake a new worker at once: its requests start later).
      await expect
        .poll(() => server.requests.filter((r) => before(r) && r.endedAtMs === null).length, {
          timeout: 5_000,
        })
        .toBe(0);
      await sleep(300);
      const stored = await readStore(browser);
      const pieces = stored.pieces.map(([, start, end]) => ({ start, end }));
      const requestsBefore = server.requests.length;
      const restarted = server.requests.filter((r) => !before(r) && ranged(r));
      const restartedRanges = restarted.map((r) => requestedRange(r, source.size) as Range);
      // What the stopped worker stored: the pieces not held before and not fetched by the new one.
      const stoppedStored = pieces.filter(
        (p) => !held.some((h) => overlaps(h, p)) && !restartedRanges.some((r) => within(p, r)),
      );
      const sent = server.requests.filter((r) => before(r) && ranged(r)).reduce((b, r) => b + r.bytesSent, 0);
      lost.push(sent - sentBefore - sum(stoppedStored));
      sentBefore = sent;
      held = [...held, ...stoppedStored];

      // The popup's Port wakes it (a user looking; no-debugger.e2e.test.ts covers the alarm, the wake when
      // nobody looks, which takes up to 30 s).
      const popup = await openPopup(browser);
      await expect.poll(() => server.requests.length, { timeout: 10_000 }).toBeGreaterThan(requestsBefore);
      await popup.close();

      // The resumed requests carry If-Range and never ask again for a byte committed before the stop.
      const resumed = server.requests.filter((r) => !before(r));
      expect(resumed.every((r) => r.ifRange !== null)).toBe(true);
      for (const r of resumed) {
        const range = requestedRange(r, source.size);
        expect(range).not.toBeNull();
        expect(held.filter((p) => overlaps(p, range as Range))).toEqual([]);
      }
      // Nor for one stored by the time the store was read (the new worker's own pieces included).
      for (const r of server.requests.slice(requestsBefore)) {
        expect(pieces.filter((p) => overlaps(p, requestedRange(r, source.size) as Range))).toEqual([]);
      }
    }

    await waitForFile(browser.downloadDir, run.name, source.size, { timeoutMs: 90_000 });
    expect(await sha256File(`${browser.downloadDir}/${run.name}`)).toBe(await expected);
    const refetched = rangedBytes(server) - source.size;
    console.info(
      `${run.connections} x ${mib(run.bytesPerSecond)} MiB/s: re-fetched ${mib(refetched)} MiB over ${STOPS} ` +
        `stops (lost per stop: ${lost.map(mib).join(', ')} MiB; at most ${mib(peakInFlight)} MiB in flight; ` +
        `${server.requests.length} requests)`,
    );
    return { lost, peakInFlight, refetched };
  } finally {
    clearInterval(sampler);
  }
}

// docs/platform.md facts 1 and 2: Chromium may stop the worker at any instant; every job resumes from
// IndexedDB, and an interruption costs at most about one piece per connection.
it('survives three worker stops mid-download, re-fetching at most one piece per connection per stop', async () => {
  // Two connections, so that a piece (8 MiB) is small next to each connection's share of the file and the bound
  // can fail: with six, each connection's share of 64 MiB is barely more than one piece, and a job that kept
  // nothing would still re-fetch less than six pieces per stop.
  const connections = 2;
  const { lost, refetched } = await downloadThroughStops({
    connections,
    bytesPerSecond: 2.5 * MIB,
    fetchBeforeStop: 20 * MIB,
    name: 'stopped.bin',
  });
  for (const bytes of lost) expect(bytes).toBeLessThanOrEqual(connections * PIECE_BYTES);
  expect(refetched).toBeLessThanOrEqual(STOPS * connections * PIECE_BYTES);
});

// Six slow connections: the pieces in flight are what a stop loses, so at 1 MiB/s each a stop costs at most
// 8 MiB (a piece takes about a second on its connection; issue 14).
it('loses at most 8 MiB per worker stop over six connections at 1 MiB/s each', async () => {
  const { lost, peakInFlight } = await downloadThroughStops({
    connections: 6,
    bytesPerSecond: MIB,
    fetchBeforeStop: 14 * MIB,
    name: 'stopped-slow.bin',
  });
  for (const bytes of lost) expect(bytes).toBeLessThanOrEqual(8 * MIB);
  // Whenever the worker had stopped, it would have lost no more.
  expect(peakInFlight).toBeLessThanOrEqual(8 * MIB);
});
