import { describe, expect, it } from 'vitest';
import { download } from '../../src/engine/download';
import { HostPool } from '../../src/engine/host-pool';
import { RateLimiter } from '../../src/engine/rate-limiter';
import type { Clock } from '../../src/engine/types';
import { createFetcher } from '../../src/net/fetcher';
import { systemClock } from '../../src/shared/system-clock';
import { MemorySink, PieceMemorySink } from '../helpers/memory-sink';
import { MIB, runEngine } from '../helpers/run-engine';
import { gets, peakConcurrency, useServers } from '../helpers/served';
import {
  connectionLimitServer,
  correctServer,
  patternSource,
  type RequestRecord,
  sha256Of,
  sharedLinkServer,
  throttledServer,
  unevenServer,
} from '../server';

const KIB = 1024;
const { serve } = useServers();

/** First and last byte of a request's Range header. */
function rangeOf(r: RequestRecord): { start: number; end: number } {
  const [, start, end] = /bytes=(\d+)-(\d*)/.exec(r.range ?? '') ?? [];
  return { start: Number(start), end: end ? Number(end) : Number.POSITIVE_INFINITY };
}

describe('endgame races', () => {
  it('races a duplicate request for the tail of a slow stream; the first to deliver wins', async () => {
    const source = patternSource(8 * MIB, 51);
    // The second socket crawls at 1/64 of the others.
    const rates = [4 * MIB, 64 * KIB, ...Array(14).fill(4 * MIB)];
    const server = await serve(unevenServer(source, { rates }));
    const run = await runEngine(server.url, { maxConnections: 4, ramp: false });
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(run.result?.adaptations.racesWon).toBeGreaterThanOrEqual(1);
    // No byte was written twice.
    expect(run.sink.rewrittenBytes).toBe(0);
    // The slow socket's request never delivered its whole range: a racer took the rest.
    const slow = gets(server).filter((r) => r.connectionId === 1);
    expect(slow.length).toBeGreaterThanOrEqual(1);
    const slowRange = rangeOf(slow[0]!);
    expect(slow[0]!.bytesSent).toBeLessThan(slowRange.end - slowRange.start + 1);
    const racers = gets(server).filter((r) => {
      const { start } = rangeOf(r);
      return (
        r.connectionId !== 1 && start > slowRange.start && start <= slowRange.start + slow[0]!.bytesSent + MIB
      );
    });
    expect(racers.length).toBeGreaterThanOrEqual(1);
  });

  it('in piece mode races the slow piece in flight and stores only the first copy', async () => {
    const source = patternSource(8 * MIB, 52);
    const rates = [4 * MIB, 4 * MIB, 4 * MIB, 96 * KIB, ...Array(12).fill(4 * MIB)];
    const server = await serve(unevenServer(source, { rates }));
    const sink = new PieceMemorySink(null, MIB);
    const run = await runEngine(server.url, { sink, maxConnections: 4, ramp: false });
    expect(run.error).toBeNull();
    expect(sink.sha256()).toBe(await sha256Of(source));
    expect(sink.rewrittenBytes).toBe(0);
    expect(run.result?.adaptations.racesWon).toBeGreaterThanOrEqual(1);
    // Two requests asked for the very same piece: the race.
    const ranges = gets(server).map((r) => r.range);
    expect(new Set(ranges).size).toBeLessThan(ranges.length);
  });
});

describe('idle connections', () => {
  it('end with the download: a connection waiting for work is woken when the last request ends, not by its poll', async () => {
    const source = patternSource(24 * MIB, 58);
    // Uneven speeds leave the fast connections without work while the slow ones finish.
    const server = await serve(unevenServer(source, { rates: [4 * MIB, MIB, 4 * MIB, MIB / 2] }));
    // Long waits (the idle poll) never time out here: only a wake-up ends them.
    const clock: Clock = {
      now: () => systemClock.now(),
      sleep: (ms, signal) =>
        ms < 100
          ? systemClock.sleep(ms, signal)
          : new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
    };
    const run = await runEngine(server.url, { maxConnections: 4, clock });
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
  }, 30_000);
});

describe('stragglers', () => {
  it('restarts a connection far slower than the others from its written offset on a new socket', async () => {
    const source = patternSource(48 * MIB, 53);
    const rates = [2 * MIB, 32 * KIB, ...Array(14).fill(2 * MIB)];
    const server = await serve(unevenServer(source, { rates }));
    // Each connection starts on 12 MiB (6 s at 2 MiB/s): nobody is free to split the slow one's part before
    // the straggler rule (about 1 s for one this slow) restarts it.
    const run = await runEngine(server.url, { maxConnections: 4, ramp: false });
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(run.result?.adaptations.stragglerRestarts).toBeGreaterThanOrEqual(1);
    const slow = gets(server).find((r) => r.connectionId === 1)!;
    expect(slow.aborted).toBe(true);
    const from = rangeOf(slow).start;
    // The restart asked for the slow range from where its bytes stopped, on another socket.
    const restart = gets(server).find(
      (r) => r.connectionId > 3 && rangeOf(r).start > from && rangeOf(r).start <= from + slow.bytesSent,
    );
    expect(restart).toBeDefined();
    expect(run.sink.rewrittenBytes).toBe(0);
  });
});

describe('ramp-up', () => {
  it('adds connections (probe + 1, then x2) while each step adds throughput', async () => {
    const source = patternSource(48 * MIB, 54);
    const server = await serve(throttledServer(source, { bytesPerSecond: 2 * MIB }));
    const run = await runEngine(server.url, { maxConnections: 8 });
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(run.result?.adaptations.peakConnections).toBe(8);
    // (The server may count one more for a moment: a dropped request until its socket closes.)
    expect(peakConcurrency(gets(server))).toBeGreaterThanOrEqual(8);
    // It started with two.
    const firstTwo = gets(server).slice(0, 2);
    const third = gets(server)[2]!;
    expect(third.startedAtMs).toBeGreaterThan(Math.max(...firstTwo.map((r) => r.startedAtMs)) + 100);
  });

  it('keeps ramping on uneven connections whose responses open with a burst (as nginx limit_rate sends)', async () => {
    const source = patternSource(48 * MIB, 57);
    // Each response's first second's worth leaves at once, so a short window overstates a step.
    const server = await serve(
      unevenServer(
        source,
        { rates: [2 * MIB, 2 * MIB, MIB / 2, MIB / 8] },
        { responseBurstSeconds: 1, writeSeconds: 0.2 },
      ),
    );
    const run = await runEngine(server.url, { maxConnections: 8 });
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    // Every step added throughput once the bursts were spent: the ramp went all the way.
    expect(run.result?.adaptations.peakConnections).toBe(8);
  });

  it('stops ramping when a step adds less than ~10 % (a shared link)', async () => {
    const source = patternSource(32 * MIB, 55);
    // One connection gets 3 MiB/s, two already fill the 4 MiB/s link.
    const server = await serve(
      sharedLinkServer(source, { bytesPerSecond: 3 * MIB, totalBytesPerSecond: 4 * MIB }),
    );
    const run = await runEngine(server.url, { maxConnections: 8 });
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    // 2 -> 4 added nothing, so 8 was never tried.
    expect(run.result?.adaptations.peakConnections).toBeLessThanOrEqual(4);
    // The server may count one more for a moment: a dropped request until its socket closes.
    expect(peakConcurrency(gets(server))).toBeLessThanOrEqual(5);
  });
});

describe('per-host limits', () => {
  it('backs off on 503 to what the host serves, remembers it, and a later download starts there', async () => {
    const source = patternSource(16 * MIB, 56);
    const server = await serve(connectionLimitServer(source, { maxConcurrent: 2, bytesPerSecond: 4 * MIB }));
    const learned: [string, number][] = [];
    const pool = new HostPool({ maxPerHost: 6, onLearned: (h, c) => learned.push([h, c]) });
    const first = await runEngine(server.url, { maxConnections: 6, pool });
    expect(first.error).toBeNull();
    expect(first.sink.sha256()).toBe(await sha256Of(source));
    const refused = gets(server).filter((r) => r.status === 503).length;
    expect(refused).toBeGreaterThanOrEqual(1);
    // No storm: a couple of refusals, not one per retry per connection.
    expect(refused).toBeLessThanOrEqual(4);
    // Learned as the refusals came: fewer each time, ending at what the host serves.
    expect(pool.cap(HostPool.hostOf(server.url))).toBe(2);
    expect(learned.at(-1)).toEqual([HostPool.hostOf(server.url), 2]);

    server.reset();
    const second = await runEngine(server.url, { maxConnections: 6, pool });
    expect(second.error).toBeNull();
    expect(second.sink.sha256()).toBe(await sha256Of(source));
    expect(gets(server).filter((r) => r.status === 503)).toHaveLength(0);
  });

  it('shares a per-host cap across downloads to the same host', async () => {
    const source = patternSource(16 * MIB, 57);
    const server = await serve(throttledServer(source, { bytesPerSecond: 2 * MIB }));
    const pool = new HostPool({ maxPerHost: 4 });
    // Count the slots the pool grants at once.
    const acquire = pool.acquire.bind(pool);
    let active = 0;
    let peak = 0;
    pool.acquire = async (host, signal) => {
      const slot = await acquire(host, signal);
      peak = Math.max(peak, ++active);
      let released = false;
      return {
        ...slot,
        release: () => {
          if (!released) active--;
          released = true;
          slot.release();
        },
      };
    };
    const runs = await Promise.all([
      runEngine(server.url, { maxConnections: 4, pool, ramp: false }),
      runEngine(server.url, { maxConnections: 4, pool, ramp: false }),
    ]);
    for (const run of runs) {
      expect(run.error).toBeNull();
      expect(run.sink.sha256()).toBe(await sha256Of(source));
    }
    expect(peak).toBe(4);
    // The server may see one more for a moment: a request the client has dropped until its socket closes.
    expect(server.maxConcurrent).toBeLessThanOrEqual(5);
  });

  it('without a shared pool the same two downloads open more than 5 at once (the test can fail)', async () => {
    const source = patternSource(16 * MIB, 57);
    const server = await serve(throttledServer(source, { bytesPerSecond: 2 * MIB }));
    await Promise.all([
      runEngine(server.url, { maxConnections: 4, ramp: false }),
      runEngine(server.url, { maxConnections: 4, ramp: false }),
    ]);
    expect(server.maxConcurrent).toBeGreaterThan(5);
  });
});

describe('speed limits', () => {
  it('holds a download to its limit within 10 % over 10 s', async () => {
    const limitBytes = 2 * MIB;
    const source = patternSource(24 * MIB, 59);
    const server = await serve(correctServer(source));
    const limit = new RateLimiter(systemClock, limitBytes);
    const samples: { atMs: number; bytes: number }[] = [];
    const sink = new MemorySink();
    const done = download({
      url: server.url,
      fetcher: createFetcher(),
      clock: systemClock,
      sink,
      maxConnections: 4,
      limits: [limit],
      progressIntervalMs: 100,
      onProgress: (p) => samples.push({ atMs: performance.now(), bytes: p.doneBytes }),
    });
    await done;
    expect(sink.sha256()).toBe(await sha256Of(source));
    // Over the 10 s that start one second in (after any start-up burst).
    const t0 = samples[0]!.atMs + 1000;
    const from = samples.find((s) => s.atMs >= t0)!;
    const to = samples.find((s) => s.atMs >= from.atMs + 10_000)!;
    const rate = ((to.bytes - from.bytes) * 1000) / (to.atMs - from.atMs);
    expect(rate).toBeLessThanOrEqual(1.1 * limitBytes);
    expect(rate).toBeGreaterThanOrEqual(0.9 * limitBytes);
  }, 40_000);

  it('changes live, is shared by downloads under an overall limit, and paces whole-response pieces', async () => {
    const source = patternSource(6 * MIB, 60);
    const server = await serve(correctServer(source));
    const overall = new RateLimiter(systemClock, MIB);
    const sinks = [new PieceMemorySink(null, MIB), new PieceMemorySink(null, MIB)];
    const started = performance.now();
    const runs = sinks.map((sink) =>
      download({
        url: server.url,
        fetcher: createFetcher(),
        clock: systemClock,
        sink,
        maxConnections: 2,
        limits: [overall],
      }),
    );
    // Two downloads share 1 MiB/s for two seconds: about 2 MiB of the 12, then the limit is lifted.
    await new Promise((r) => setTimeout(r, 2000));
    const before = sinks.reduce((sum, s) => sum + s.done.reduce((n, r) => n + r.end - r.start + 1, 0), 0);
    overall.setRate(null);
    await Promise.all(runs);
    const elapsed = performance.now() - started;
    expect(before).toBeLessThanOrEqual(1.1 * 2 * MIB + 256 * KIB);
    expect(elapsed).toBeLessThan(6000);
    for (const sink of sinks) {
      expect(sink.sha256()).toBe(await sha256Of(source));
    }
    // While limited, pieces were requested at the limit's pace, each about half a second of it.
    expect(sinks.every((s) => s.pieces.length > 0)).toBe(true);
    const early = gets(server).filter((r) => r.startedAtMs - gets(server)[0]!.startedAtMs < 1500);
    expect(early.every((r) => r.bytesSent <= 512 * KIB)).toBe(true);
    // The server was held back as much: it sent no more than what was stored (plus pieces in flight).
    expect(early.reduce((n, r) => n + r.bytesSent, 0)).toBeLessThanOrEqual(1.5 * MIB + 4 * 512 * KIB);
  });
});
