/**
 * Click-to-file time in Chromium. (1) On a server that caps each connection: the extension and the browser's
 * own download, against the ideal size / (6 x cap); plus the peak growth of the browser's total memory while the
 * download runs. Time and memory come from two downloads of the same file: reading every Chromium process's
 * memory ten times a second costs this 2-core machine enough CPU (in the process that also runs the test server)
 * to slow the download it measures. (2) On a real nginx without a rate limit, over HTTP/1.1 and over TLS with
 * HTTP/2: the browser alone and with the extension, turn about, in one browser. Environment: BENCH_SIZE_MIB
 * (256), BENCH_CAP_MIB (8 MiB/s per connection), BENCH_MEMORY_MIB (1024; 0 skips the large file), BENCH_RUNS (3
 * timed runs; the median is reported), BENCH_CAPPED and BENCH_FAST (1; 0 skips the capped or the nginx rows).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { it } from 'vitest';
import { patternSource, throttledServer } from '../server/index';
import { fastCases } from './bench-fast';
import { cappedTable, fastTable, median, type Row, type TakeOverTimes, takeOverTimes } from './bench-rows';
import { timeline } from './bench-timeline';
import { launchBrowser, type TestBrowser, waitForFile } from './browser';
import { changeSettings } from './extension';
import { firefoxCappedRows } from './firefox-bench';
import { browserMemoryBytes, sampleMemory } from './memory';
import { nginxInstalled } from './nginx-files';
import { createPageServer, linkPage } from './pages';
import { timedClick } from './timed-click';

const MIB = 1024 * 1024;
const SIZE_MIB = Number(process.env.BENCH_SIZE_MIB ?? 256);
const CAP_MIB = Number(process.env.BENCH_CAP_MIB ?? 8);
const MEMORY_MIB = Number(process.env.BENCH_MEMORY_MIB ?? 1024);
const CONNECTIONS = 6;
/** Timed downloads of the 256 MiB file by the extension: the table shows their median and range. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FAST = process.env.BENCH_FAST !== '0';
const CAPPED = process.env.BENCH_CAPPED !== '0';
/** More Chromium switches for a diagnostic run, space-separated (e.g. `--safebrowsing-disable-download-protection`). */
const EXTRA_ARGS = (process.env.BENCH_CHROMIUM_ARGS ?? '').split(/\s+/).filter(Boolean);
/** BENCH_TIMELINE=1 prints where each capped download's time went (bench-timeline.ts). */
const TIMELINE = process.env.BENCH_TIMELINE === '1';
/** BENCH_FIREFOX=0 skips the Firefox rows (test/e2e/firefox-bench.ts). */
const FIREFOX = process.env.BENCH_FIREFOX !== '0';

/** One download, timed, or (with `memory`) sampled for the browser's memory. */
async function download(
  browser: TestBrowser,
  sizeMiB: number,
  name: string,
  memory: boolean,
): Promise<{ seconds: number; memoryGrowthMiB: number | null; takeOver: TakeOverTimes | null }> {
  const source = patternSource(sizeMiB * MIB, sizeMiB);
  const server = await throttledServer(source, { bytesPerSecond: CAP_MIB * MIB }, { path: `/${name}` });
  const pages = await createPageServer();
  try {
    pages.html = linkPage(server.url);
    await browser.page.goto(pages.origin);
    await new Promise((r) => setTimeout(r, 1000)); // settle after page load
    const baseline = memory ? await browserMemoryBytes(browser.profileDir) : 0;
    const sampler = memory ? sampleMemory(browser.profileDir) : null;
    const { clickedAt: started } = await timedClick(browser.page, '#file');
    const path = await waitForFile(browser.downloadDir, name, source.size, {
      timeoutMs: 900_000,
      pollMs: 5,
    });
    const finished = performance.now();
    const seconds = (finished - started) / 1000;
    if (TIMELINE) console.log(`${name}: ${timeline(server.requests, started, finished, CONNECTIONS)}`);
    const peak = sampler ? await sampler.stop() : null;
    await rm(path);
    return {
      seconds,
      memoryGrowthMiB: peak === null ? null : (peak - baseline) / MIB,
      takeOver: takeOverTimes(server.requests),
    };
  } finally {
    await Promise.all([server.close(), pages.close()]);
  }
}

/** Click-to-file times from `timed` downloads (median reported), the memory growth from one more. */
async function timeAndMemory(
  browser: TestBrowser,
  sizeMiB: number,
  name: string,
  run: string,
  timed = 1,
): Promise<Row> {
  const runs: number[] = [];
  const takeOvers: TakeOverTimes[] = [];
  for (let i = 0; i < timed; i++) {
    const timedRun = await download(browser, sizeMiB, name, false);
    runs.push(timedRun.seconds);
    if (timedRun.takeOver) takeOvers.push(timedRun.takeOver);
  }
  const { memoryGrowthMiB } = await download(browser, sizeMiB, name, true);
  const takeOver =
    takeOvers.length === 0
      ? null
      : {
          toProbeMs: median(takeOvers.map((t) => t.toProbeMs)),
          probeToEngineMs: median(takeOvers.map((t) => t.probeToEngineMs)),
        };
  return { run, sizeMiB, seconds: median(runs), runs, memoryGrowthMiB, takeOver };
}

/**
 * A browser just launched is still starting up (profile, the extension's install, its first IndexedDB use): the
 * first download in it measured 0.1-0.3 s slower than the next ones. Users download in a browser that is up.
 */
const SETTLE_AFTER_LAUNCH_MS = 4000;

async function launched(): Promise<TestBrowser> {
  const browser = await launchBrowser({ extraArgs: EXTRA_ARGS });
  await new Promise((r) => setTimeout(r, SETTLE_AFTER_LAUNCH_MS));
  return browser;
}

/** The capped rows: the extension (timed runs of the first file, one of the large), the browser alone, the ideal. */
async function cappedRows(): Promise<Row[]> {
  const rows: Row[] = [];
  const accelerated = await launched();
  try {
    rows.push(await timeAndMemory(accelerated, SIZE_MIB, 'bench.bin', 'extension (6 connections)', RUNS));
    if (MEMORY_MIB > 0) {
      rows.push(await timeAndMemory(accelerated, MEMORY_MIB, 'bench-large.bin', 'extension (6 connections)'));
    }
  } finally {
    await accelerated.close();
  }
  const plain = await launched();
  try {
    await changeSettings(plain, { autoCapture: false });
    rows.push(await timeAndMemory(plain, SIZE_MIB, 'bench.bin', "browser's own download (1 connection)"));
  } finally {
    await plain.close();
  }
  rows.push({
    run: `ideal: size / (${CONNECTIONS} x cap)`,
    sizeMiB: SIZE_MIB,
    seconds: SIZE_MIB / (CONNECTIONS * CAP_MIB),
    runs: [],
    memoryGrowthMiB: null,
    takeOver: null,
  });

  return rows;
}

it('benchmarks the extension against the browser in Chromium', { timeout: 3_600_000 }, async () => {
  const tables: string[] = [];
  if (CAPPED) tables.push(cappedTable(await cappedRows(), CAP_MIB, CONNECTIONS));
  if (FAST && nginxInstalled())
    tables.push(
      fastTable(
        await fastCases(
          [SIZE_MIB, MEMORY_MIB].filter((m) => m > 0),
          RUNS,
        ),
      ),
    );
  if (FIREFOX)
    tables.push(
      cappedTable(await firefoxCappedRows(SIZE_MIB, CAP_MIB, RUNS), CAP_MIB, CONNECTIONS, 'Firefox ESR'),
    );
  const table = tables.join('\n\n');
  console.log(`\n${table}\n`);
  const out = resolve(import.meta.dirname, '../../test-results');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'bench-browser.md'), `${table}\n`);
});
