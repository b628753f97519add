/**
 * Click-to-file time in Chromium on a server that caps each connection, for the extension and for the
 * browser's own download, against the ideal size / (6 x cap); plus the peak growth of the browser's total
 * memory while the download runs. Time and memory come from two downloads of the same file: reading every
 * Chromium process's memory ten times a second costs this 2-core machine enough CPU (in the process that also
 * runs the test server) to slow the download it measures. Environment: BENCH_SIZE_MIB (256), BENCH_CAP_MIB
 * (8 MiB/s per connection), BENCH_MEMORY_MIB (1024; 0 skips the large file).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { patternSource, throttledServer } from '../server/index';
import { launchBrowser, sendFromExtensionPage, type TestBrowser, waitForFile } from './browser';
import { browserMemoryBytes, sampleMemory } from './memory';
import { createPageServer, linkPage } from './pages';

const MIB = 1024 * 1024;
const SIZE_MIB = Number(process.env.BENCH_SIZE_MIB ?? 256);
const CAP_MIB = Number(process.env.BENCH_CAP_MIB ?? 8);
const MEMORY_MIB = Number(process.env.BENCH_MEMORY_MIB ?? 1024);
const CONNECTIONS = 6;

interface Row {
  run: string;
  sizeMiB: number;
  seconds: number;
  memoryGrowthMiB: number | null;
}

/** One download, timed, or (with `memory`) sampled for the browser's memory. */
async function download(
  browser: TestBrowser,
  sizeMiB: number,
  name: string,
  memory: boolean,
): Promise<{ seconds: number; memoryGrowthMiB: number | null }> {
  const source = patternSource(sizeMiB * MIB, sizeMiB);
  const server = await throttledServer(source, { bytesPerSecond: CAP_MIB * MIB }, { path: `/${name}` });
  const pages = await createPageServer();
  try {
    pages.html = linkPage(server.url);
    await browser.page.goto(pages.origin);
    await new Promise((r) => setTimeout(r, 1000)); // settle after page load
    const baseline = memory ? await browserMemoryBytes(browser.profileDir) : 0;
    const sampler = memory ? sampleMemory(browser.profileDir) : null;
    const started = performance.now();
    await browser.page.click('#file');
    const path = await waitForFile(browser.downloadDir, name, source.size, {
      timeoutMs: 900_000,
      pollMs: 20,
    });
    const seconds = (performance.now() - started) / 1000;
    const peak = sampler ? await sampler.stop() : null;
    await rm(path);
    return { seconds, memoryGrowthMiB: peak === null ? null : (peak - baseline) / MIB };
  } finally {
    await Promise.all([server.close(), pages.close()]);
  }
}

/** Click-to-file time from one download, the memory growth from a second one. */
async function timeAndMemory(browser: TestBrowser, sizeMiB: number, name: string, run: string): Promise<Row> {
  const { seconds } = await download(browser, sizeMiB, name, false);
  const { memoryGrowthMiB } = await download(browser, sizeMiB, name, true);
  return { run, sizeMiB, seconds, memoryGrowthMiB };
}

it('benchmarks the extension against the browser in Chromium', async () => {
  const rows: Row[] = [];
  const accelerated = await launchBrowser();
  try {
    rows.push(await timeAndMemory(accelerated, SIZE_MIB, 'bench.bin', 'extension (6 connections)'));
    if (MEMORY_MIB > 0) {
      rows.push(await timeAndMemory(accelerated, MEMORY_MIB, 'bench-large.bin', 'extension (6 connections)'));
    }
  } finally {
    await accelerated.close();
  }
  const plain = await launchBrowser();
  try {
    const settings = {
      autoCapture: false,
      thresholdBytes: 16 * MIB,
      connectionsPerDownload: 6,
      concurrentDownloads: 3,
      excludedDomains: [],
      overallLimitBytesPerSecond: 0,
      perDownloadLimitBytesPerSecond: 0,
    };
    expect(await sendFromExtensionPage(plain, { type: 'settings/set', settings })).toMatchObject({
      ok: true,
    });
    rows.push(await timeAndMemory(plain, SIZE_MIB, 'bench.bin', "browser's own download (1 connection)"));
  } finally {
    await plain.close();
  }
  rows.push({
    run: `ideal: size / (${CONNECTIONS} x cap)`,
    sizeMiB: SIZE_MIB,
    seconds: SIZE_MIB / (CONNECTIONS * CAP_MIB),
    memoryGrowthMiB: null,
  });

  const ideal = CONNECTIONS * CAP_MIB;
  const lines = [
    `Chromium, loopback server capped at ${CAP_MIB} MiB/s per connection (ideal ${ideal} MiB/s with ${CONNECTIONS} connections)`,
    '',
    '| run | file | click to file | throughput | of 6 x cap | peak memory growth |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => {
      const rate = r.sizeMiB / r.seconds;
      const memory = r.memoryGrowthMiB === null ? '' : `${r.memoryGrowthMiB.toFixed(0)} MiB`;
      return `| ${r.run} | ${r.sizeMiB} MiB | ${r.seconds.toFixed(2)} s | ${rate.toFixed(1)} MiB/s | ${((rate / ideal) * 100).toFixed(0)} % | ${memory} |`;
    }),
  ];
  const table = lines.join('\n');
  console.log(`\n${table}\n`);
  const out = resolve(import.meta.dirname, '../../test-results');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'bench-browser.md'), `${table}\n`);
});
