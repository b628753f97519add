import { describe, expect, it } from 'vitest';
import { MIB, runEngine } from '../helpers/run-engine';
import { gets, useServers } from '../helpers/served';
import { patternSource, type RequestRecord, sha256Of, throttledServer } from '../server';

const { serve } = useServers();
const RATE = 2 * MIB;

/** Bytes a request's Range header asked for (Infinity for an open end). */
function asked(r: RequestRecord): number {
  const [, start, end] = /bytes=(\d+)-(\d*)/.exec(r.range ?? '') ?? [];
  return end ? Number(end) - Number(start) + 1 : Number.POSITIVE_INFINITY;
}

describe('fresh requests (stream mode)', () => {
  it('renews its requests every second where each response starts with a burst (nginx limit_rate)', async () => {
    const source = patternSource(40 * MIB, 93);
    // Each response sends half a second's worth at once, then 2 MiB/s.
    const server = await serve(
      throttledServer(source, { bytesPerSecond: RATE }, { responseBurstSeconds: 0.5 }),
    );
    const run = await runEngine(server.url, { maxConnections: 3, ramp: false });
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    const fresh = run.result?.adaptations.freshRequests ?? 0;
    expect(fresh).toBeGreaterThanOrEqual(6);
    // Each asked for about a second's worth at 2 MiB/s (the tail's splits ask for less), was read whole, and
    // most rode a connection an earlier request used (kept alive).
    const requests = gets(server);
    const windows = requests.filter(
      (r) => asked(r) >= RATE / 2 && asked(r) <= 2 * RATE && !r.aborted && r.bytesSent === asked(r),
    );
    expect(windows.length).toBeGreaterThanOrEqual(fresh - 3);
    const reused = windows.filter((w) =>
      requests.some((r) => r.connectionId === w.connectionId && r.startedAtMs < w.startedAtMs),
    );
    expect(reused.length).toBeGreaterThanOrEqual(Math.ceil(windows.length / 2));
  });

  it('keeps one request per claim where each connection is paced evenly', async () => {
    const source = patternSource(16 * MIB, 94);
    const server = await serve(throttledServer(source, { bytesPerSecond: RATE }));
    const run = await runEngine(server.url, { maxConnections: 3, ramp: false });
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(run.result?.adaptations.freshRequests).toBe(0);
    // The three streams, and a few splits and races at the end.
    expect(gets(server).length).toBeLessThanOrEqual(10);
  });
});
