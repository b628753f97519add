import { rm } from 'node:fs/promises';
import { patternSource, throttledServer } from '../server/index';
import { median, type Row } from './bench-rows';
import { launchFirefox, type TestFirefox, waitForFirefoxFile } from './firefox/firefox';
import { createPageServer, linkPage } from './pages';

/**
 * The browser benchmark's Firefox rows (BENCH_FIREFOX=1, the default): click to file on a server capping each
 * connection, the add-on (dist-firefox/, `runs` timed downloads, median) and Firefox alone (no add-on).
 */
const MIB = 1024 * 1024;
const SETTLE_AFTER_LAUNCH_MS = 4000;

async function timedDownload(firefox: TestFirefox, sizeMiB: number, capMiB: number, name: string) {
  const source = patternSource(sizeMiB * MIB, sizeMiB);
  const server = await throttledServer(source, { bytesPerSecond: capMiB * MIB }, { path: `/${name}` });
  const pages = await createPageServer();
  try {
    pages.html = linkPage(server.url);
    const page = await firefox.browser.newPage();
    await page.goto(pages.origin);
    await new Promise((r) => setTimeout(r, 1000));
    const started = performance.now();
    await page.click('#file');
    const path = await waitForFirefoxFile(firefox.downloadDir, name, source.size, {
      timeoutMs: 900_000,
      pollMs: 5,
    });
    const seconds = (performance.now() - started) / 1000;
    await rm(path);
    await page.close().catch(() => {});
    return seconds;
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
    for (let i = 0; i < runs; i++)
      times.push(await timedDownload(firefox, sizeMiB, capMiB, `ff-bench-${i}.bin`));
    return { run, sizeMiB, seconds: median(times), runs: times, memoryGrowthMiB: null, takeOver: null };
  } finally {
    await firefox.close();
  }
}

export async function firefoxCappedRows(sizeMiB: number, capMiB: number, runs: number): Promise<Row[]> {
  return [
    await row(undefined, 'Firefox + add-on (6 connections)', sizeMiB, capMiB, runs),
    await row(null, 'Firefox alone (1 connection)', sizeMiB, capMiB, 1),
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
