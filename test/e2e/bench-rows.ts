/** The browser benchmark's rows and tables (browser.bench.ts measures, this formats). */

import { PROBE_BYTES } from '../../src/background/browser-match';
import type { RequestRecord } from '../server/index';

const PROBE_RANGE = `bytes=0-${PROBE_BYTES - 1}`;

/**
 * From the server's log: the browser's own request (held paused in onCreated) to the take-over's probe, and the
 * probe to the engine's first range request: what deciding costs before the engine starts. Null when the
 * download was not taken over.
 */
export interface TakeOverTimes {
  toProbeMs: number;
  probeToEngineMs: number;
}

export function takeOverTimes(requests: readonly RequestRecord[]): TakeOverTimes | null {
  const browser = requests.find((r) => r.range === null);
  const probe = requests.find((r) => r.range === PROBE_RANGE);
  const engine = requests.find((r) => r.range !== null && r.range !== PROBE_RANGE);
  if (!browser || !probe || !engine) return null;
  return {
    toProbeMs: probe.startedAtMs - browser.startedAtMs,
    probeToEngineMs: engine.startedAtMs - probe.startedAtMs,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export interface Row {
  run: string;
  sizeMiB: number;
  /** Median click-to-file time, and every run's. */
  seconds: number;
  runs: number[];
  memoryGrowthMiB: number | null;
  /** Median take-over timings of the runs (extension only). */
  takeOver: TakeOverTimes | null;
}

function spread(runs: number[]): string {
  if (runs.length > 1)
    return `${runs.length}: ${Math.min(...runs).toFixed(2)}-${Math.max(...runs).toFixed(2)} s`;
  return runs.length === 1 ? '1' : '';
}

/** The throttled table: each row against the ideal of `ideal` MiB/s. */
export function cappedTable(
  rows: Row[],
  capMiB: number,
  connections: number,
  browserName = 'Chromium',
): string {
  const ideal = connections * capMiB;
  return [
    `${browserName}, loopback server capped at ${capMiB} MiB/s per connection (ideal ${ideal} MiB/s with ${connections} connections)`,
    '',
    '| run | file | click to file | runs | throughput | of 6 x cap | peak memory growth | take-over: request → probe → engine |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => {
      const rate = r.sizeMiB / r.seconds;
      const memory = r.memoryGrowthMiB === null ? '' : `${r.memoryGrowthMiB.toFixed(0)} MiB`;
      const takeOver = r.takeOver
        ? `${r.takeOver.toProbeMs.toFixed(0)} ms + ${r.takeOver.probeToEngineMs.toFixed(0)} ms`
        : '';
      return `| ${r.run} | ${r.sizeMiB} MiB | ${r.seconds.toFixed(2)} s | ${spread(r.runs)} | ${rate.toFixed(1)} MiB/s | ${((rate / ideal) * 100).toFixed(1)} % | ${memory} | ${takeOver} |`;
    }),
  ].join('\n');
}

/** One unthrottled case: the browser alone and with the extension, same server, same run. */
export interface FastCase {
  server: string;
  sizeMiB: number;
  alone: number[];
  extension: number[];
  /** What the extension did with the runs' downloads (left to the browser, taken over). */
  outcome: string;
}

export function fastTable(cases: FastCase[]): string {
  return [
    'Chromium, loopback nginx without a rate limit (click to file, median of the runs, same run)',
    '',
    '| server | file | browser alone | runs | with the extension | runs | ratio | what the extension did |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...cases.map((c) => {
      const [alone, ext] = [median(c.alone), median(c.extension)];
      return `| ${c.server} | ${c.sizeMiB} MiB | ${alone.toFixed(2)} s | ${spread(c.alone)} | ${ext.toFixed(2)} s | ${spread(c.extension)} | ${(ext / alone).toFixed(2)}x | ${c.outcome} |`;
    }),
  ].join('\n');
}
