import { rm } from 'node:fs/promises';
import { patternSource, type RequestRecord, throttledServer } from '../server/index';
import { median, type Row, type TakeOverTimes, takeOverTimes } from './bench-rows';
import { timeline } from './bench-timeline';
import { watchDir } from './firefox/dir-watch';
import { launchFirefox, type TestFirefox, waitForFirefoxFile } from './firefox/firefox';
import { createPageServer, linkPage } from './pages';
import { timedClick } from './timed-click';

/**
 * The browser benchmark's Firefox rows (BENCH_FIREFOX=1, the default): click to file on a server capping each
 * connection, the add-on (dist-firefox/, `runs` timed downloads, median; the take-over column counts from
 * Firefox's own request, which runs on meanwhile) and Firefox alone (no add-on).
 */
const MIB = 1024 * 1024;
const SETTLE_AFTER_LAUNCH_MS = 4000;
/** BENCH_TIMELINE=1 prints where each download's time went (bench-timeline.ts, and takeOverTimeline below). */
const TIMELINE = process.env.BENCH_TIMELINE === '1';
const CONNECTIONS = 6;
/** BENCH_FIREFOX_ALONE=0 skips the row of Firefox alone (one 32 s download at the default size and cap). */
const ALONE = process.env.BENCH_FIREFOX_ALONE !== '0';

/**
 * Firefox's take-over and save, in milliseconds after the click: its own request (never paused, docs/platform.md
 * fact 15) and when it ended and what it had sent, the probe, the engine's first range, and the download
 * directory's changes (each `.part` appearing and going: the browser's download, then the add-on's save).
 */
function takeOverTimeline(
  requests: readonly RequestRecord[],
  files: { atMs: number; change: string }[],
  clickedAt: number,
): string {
  const at = (ms: number | null) => (ms === null ? '-' : `${Math.round(ms - clickedAt)}`);
  const own = requests.find((r) => r.method === 'GET' && r.range === null);
  const ranged = requests.filter((r) => r.method === 'GET' && r.range !== null);
  const parts = [
    own
      ? `own request ${at(own.startedAtMs)}-${at(own.endedAtMs)} ms (${(own.bytesSent / MIB).toFixed(1)} MiB)`
      : 'no own request',
    `probe ${at(ranged[0]?.startedAtMs ?? null)} ms`,
    `engine ${at(ranged[1]?.startedAtMs ?? null)} ms`,
    `files ${files.map((f) => `${f.change} ${at(f.atMs)}`).join(' ')}`,
  ];
  return parts.join(', ');
}

async function timedDownload(firefox: TestFirefox, sizeMiB: number, capMiB: number, name: string) {
  const source = patternSource(sizeMiB * MIB, sizeMiB);
  const server = await throttledServer(source, { bytesPerSecond: capMiB * MIB }, { path: `/${name}` });
  const pages = await createPageServer();
  try {
    pages.html = linkPage(server.url);
    const page = await firefox.browser.newPage();
    await page.goto(pages.origin);
    await new Promise((r) => setTimeout(r, 1000));
    const watch = TIMELINE ? watchDir(firefox.downloadDir) : null;
    const { clickedAt: started, driverMs } = await timedClick(page, '#file');
    const path = await waitForFirefoxFile(firefox.downloadDir, name, source.size, {
      timeoutMs: 900_000,
      pollMs: 5,
    });
    const finished = performance.now();
    const seconds = (finished - started) / 1000;
    if (watch) {
      const files = watch.stop();
      console.log(`${name}: ${timeline(server.requests, started, finished, CONNECTIONS)}`);
      console.log(
        `${name}: ${takeOverTimeline(server.requests, files, started)}, driver's click ${Math.round(driverMs)} ms`,
      );
    }
    await rm(path);
    await page.close().catch(() => {});
    return { seconds, takeOver: takeOverTimes(server.requests) };
  } finally {
    await Promise.all([server.close(), pages.close()]);
  }
}

async function row(
  dist: string | null | undefined,
  run: string,
  sizeMiB: number,
  capMiB: number,
  runs: number,
) {
  const firefox = await launchFirefox(dist === undefined ? {} : { dist });
  try {
    await new Promise((r) => setTimeout(r, SETTLE_AFTER_LAUNCH_MS));
    const times: number[] = [];
    const takeOvers: TakeOverTimes[] = [];
    for (let i = 0; i < runs; i++) {
      const timed = await timedDownload(firefox, sizeMiB, capMiB, `ff-bench-${i}.bin`);
      times.push(timed.seconds);
      if (timed.takeOver) takeOvers.push(timed.takeOver);
    }
    const takeOver =
      takeOvers.length === 0
        ? null
        : {
            toProbeMs: median(takeOvers.map((t) => t.toProbeMs)),
            probeToEngineMs: median(takeOvers.map((t) => t.probeToEngineMs)),
          };
    return { run, sizeMiB, seconds: median(times), runs: times, memoryGrowthMiB: null, takeOver };
  } finally {
    await firefox.close();
  }
}

export async function firefoxCappedRows(sizeMiB: number, capMiB: number, runs: number): Promise<Row[]> {
  return [
    await row(undefined, 'Firefox + add-on (6 connections)', sizeMiB, capMiB, runs),
    ...(ALONE ? [await row(null, 'Firefox alone (1 connection)', sizeMiB, capMiB, 1)] : []),
    {
      run: 'ideal: size / (6 x cap)',
      sizeMiB,
      seconds: sizeMiB / (6 * capMiB),
      runs: [],
      memoryGrowthMiB: null,
      takeOver: null,
    },
  ];
}
