import type { RequestRecord } from '../server/index';

/**
 * A diagnostic for the browser benchmark (BENCH_TIMELINE=1): where a capped download's click-to-file time goes,
 * from the server's log of the same run. Times are milliseconds after the click: the first request (the probe),
 * the moment the sixth ranged request was open, the last byte sent, and the file complete; `busy` is the share
 * of connection-time between the first and last byte spent sending (6 connections x the span), the idle share
 * being ramp-up, gaps between pieces and the endgame.
 */
export function timeline(
  requests: readonly RequestRecord[],
  clickedAt: number,
  fileAt: number,
  connections: number,
): string {
  const gets = requests.filter((r) => r.method === 'GET').sort((a, b) => a.startedAtMs - b.startedAtMs);
  if (gets.length === 0) return 'no requests';
  const at = (ms: number) => Math.round(ms - clickedAt);
  const first = gets[0] as RequestRecord;
  let open = 0;
  let full: number | null = null;
  const edges = gets.flatMap((r) => [
    { t: r.startedAtMs, d: 1 },
    { t: r.endedAtMs ?? fileAt, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  for (const e of edges) {
    open += e.d;
    if (open >= connections && full === null) full = e.t;
  }
  const lastByte = Math.max(...gets.map((r) => r.endedAtMs ?? fileAt));
  const busyMs = gets.reduce((sum, r) => sum + ((r.endedAtMs ?? fileAt) - r.startedAtMs), 0);
  const busy = busyMs / (connections * (lastByte - first.startedAtMs));
  const prefixes = [400, 200, 100, 20].map((before) => {
    const mib = prefixAt(gets, lastByte - before) / (1024 * 1024);
    return `-${before} ms: ${mib.toFixed(1)} MiB`;
  });
  return [
    `first request ${at(first.startedAtMs)} ms`,
    `${connections} open ${full === null ? '-' : at(full)} ms`,
    `last byte ${at(lastByte)} ms`,
    `file ${at(fileAt)} ms`,
    `${gets.length} requests`,
    `busy ${(busy * 100).toFixed(1)} %`,
    `in-order prefix before the last byte ${prefixes.join(' ')}`,
  ].join(', ');
}

/**
 * How much of the file's start had arrived without a gap at `t`: each ranged request's bytes are taken to have
 * come at an even rate between its start and its end (a capped connection sends so).
 */
function prefixAt(gets: readonly RequestRecord[], t: number): number {
  const spans: [number, number][] = [];
  for (const r of gets) {
    const m = /^bytes=(\d+)-(\d*)$/.exec(r.range ?? '');
    if (!m || r.endedAtMs === null || r.bytesSent === 0 || t <= r.startedAtMs) continue;
    const start = Number(m[1]);
    const share = Math.min(1, (t - r.startedAtMs) / Math.max(1, r.endedAtMs - r.startedAtMs));
    spans.push([start, start + Math.floor(r.bytesSent * share)]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let prefix = 0;
  for (const [start, end] of spans) {
    if (start > prefix) break;
    prefix = Math.max(prefix, end);
  }
  return prefix;
}
