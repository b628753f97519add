import { describe, expect, it } from 'vitest';
import { PieceMemorySink } from '../helpers/memory-sink';
import { MIB, runEngine } from '../helpers/run-engine';
import { gets, useServers } from '../helpers/served';
import {
  dropAfterServer,
  patternSource,
  type RangeServer,
  type RequestRecord,
  sha256Of,
  shortRangeServer,
  throttledServer,
  unevenServer,
} from '../server';

/** Piece mode: a sink with writeResponse gets one whole response per piece (the browser's IndexedDB path). */

const { serve } = useServers();

function bounds(r: RequestRecord): { start: number; end: number | null } {
  const m = /^bytes=(\d+)-(\d*)$/.exec(r.range ?? '');
  if (!m) throw new Error(`unexpected Range ${r.range}`);
  return { start: Number(m[1]), end: m[2] ? Number(m[2]) : null };
}

/**
 * The probe asks for a first piece only (a platform may read a response far ahead of its reader); every request
 * after it asks for a bounded piece of at most `maxBytes`, guarded by If-Range.
 */
function expectBoundedPieces(server: RangeServer, maxBytes: number, etag: string | null | undefined): void {
  const [probe, ...rest] = gets(server);
  expect(probe?.range).toBe('bytes=0-262143');
  expect(rest.length).toBeGreaterThan(0);
  for (const r of rest) {
    const { start, end } = bounds(r);
    expect(end, r.range ?? '').not.toBeNull();
    expect((end as number) - start + 1).toBeLessThanOrEqual(maxBytes);
    expect(r.ifRange).toBe(etag);
  }
}

/** Pieces and streamed writes tile the file exactly once: no byte was stored twice. */
function expectTiled(sink: PieceMemorySink, size: number): void {
  const all = [...sink.pieces, ...sink.streamWrites].sort((a, b) => a.start - b.start);
  let next = 0;
  for (const r of all) {
    expect(r.start).toBe(next);
    next = r.end + 1;
  }
  expect(next).toBe(size);
}

describe('engine in piece mode (sink.writeResponse)', () => {
  it('fetches bounded pieces over parallel reused connections, the probe asking for its first piece only', async () => {
    const source = patternSource(12 * MIB, 31);
    const server = await serve(throttledServer(source, { bytesPerSecond: 4 * MIB }));
    const sink = new PieceMemorySink(null, MIB);
    const run = await runEngine(server.url, { maxConnections: 4, sink });
    expect(run.error).toBeNull();
    expect(sink.sha256()).toBe(await sha256Of(source));
    expect(run.result?.receivedBytes).toBe(source.size);
    expect(server.maxConcurrent).toBeGreaterThanOrEqual(4);
    expectBoundedPieces(server, MIB, run.result?.remote.etag);
    expectTiled(sink, source.size);
    // The probe's body is kept as the first piece, streamed; nothing else goes through write().
    const streamed = sink.streamWrites.reduce((n, r) => n + r.end - r.start + 1, 0);
    expect(streamed).toBeLessThanOrEqual(MIB);
    expect(sink.streamWrites.every((r) => r.end < MIB)).toBe(true);
    expect(sink.pieces.length).toBeGreaterThanOrEqual(11);
    // One request per piece, on kept-alive connections: at least 12 of 1 MiB. The ramp-up asks for short pieces
    // and the tail shrinks them, more so on a loaded machine, but never a storm: at most three times that.
    expect(gets(server).length).toBeLessThanOrEqual(36);
    const sockets = new Set(gets(server).map((r) => r.connectionId));
    expect(sockets.size).toBeLessThan(gets(server).length);
    expect(gets(server).filter((r) => r.aborted).length).toBeLessThanOrEqual(1); // the probe, cancelled
  });

  it('in order (a sink that hands on its prefix), every connection takes the next piece from the front', async () => {
    const source = patternSource(16 * MIB, 35);
    const starts = async (inOrder: boolean) => {
      const server = await serve(throttledServer(source, { bytesPerSecond: 4 * MIB }));
      const sink = new PieceMemorySink(null, MIB);
      sink.inOrder = inOrder;
      const run = await runEngine(server.url, { maxConnections: 4, sink });
      expect(run.error).toBeNull();
      expect(sink.sha256()).toBe(await sha256Of(source));
      expectTiled(sink, source.size);
      expect(server.maxConcurrent).toBeGreaterThanOrEqual(4);
      return gets(server).map((r) => bounds(r).start);
    };
    // Any 4 requests in a row (one per connection) ask for bytes within a few pieces of each other.
    const spread = (starts: number[]) =>
      Math.max(
        ...starts
          .slice(3)
          .map((_, i) => Math.max(...starts.slice(i, i + 4)) - Math.min(...starts.slice(i, i + 4))),
      );
    // In order: pieces go out front first (requests sent together may arrive swapped, and a piece given up or
    // raced near the end is asked for again a little behind the front).
    expect(spread(await starts(true))).toBeLessThanOrEqual(6 * MIB);
    // Without it, each connection works through a region of its own (4 MiB apart at the start: 12 MiB in all).
    expect(spread(await starts(false))).toBeGreaterThan(6 * MIB);
  });

  it('sizes first pieces by a speed measured before the download, instead of growing them from 256 KiB', async () => {
    const source = patternSource(16 * MIB, 36);
    const firstPieces = async (expectedBytesPerSecond?: number) => {
      const server = await serve(throttledServer(source, { bytesPerSecond: 4 * MIB }));
      const sink = new PieceMemorySink(null, 2 * MIB);
      sink.inOrder = true;
      const run = await runEngine(server.url, {
        maxConnections: 4,
        sink,
        ramp: false,
        expectedBytesPerSecond,
      });
      expect(run.error).toBeNull();
      expect(sink.sha256()).toBe(await sha256Of(source));
      expectTiled(sink, source.size);
      // The requests after the probe that each connection made first.
      return gets(server)
        .slice(1, 4)
        .map((r) => (bounds(r).end as number) - bounds(r).start + 1);
    };
    // Unknown speed: 256 KiB first pieces.
    expect(await firstPieces()).toEqual([256 * 1024, 256 * 1024, 256 * 1024]);
    // 4 MiB/s known: whole preferred pieces (2 MiB) from the first.
    expect(await firstPieces(4 * MIB)).toEqual([2 * MIB, 2 * MIB, 2 * MIB]);
  });

  it('retries a piece whose connection drops mid-body, from the piece start, bounded', async () => {
    const source = patternSource(4 * MIB, 32);
    const server = await serve(dropAfterServer(source, { afterBytes: 100_000, firstRequests: 3 }));
    const sink = new PieceMemorySink(null, MIB);
    const run = await runEngine(server.url, { maxConnections: 2, sink });
    expect(run.error).toBeNull();
    expect(sink.sha256()).toBe(await sha256Of(source));
    expect(run.notices.some((n) => n.type === 'retrying')).toBe(true);
    expectTiled(sink, source.size);
    expect(gets(server).length).toBeLessThanOrEqual(24);
    // A retried piece starts where the failed one did: nothing of a failed piece was stored. (The probe is
    // streamed: what it received before the drop is kept.)
    const failed = gets(server)
      .slice(1)
      .filter((r) => r.aborted);
    for (const r of failed) {
      const { start } = bounds(r);
      expect(gets(server).some((g) => g.id > r.id && bounds(g).start === start)).toBe(true);
    }
  });

  it.each([
    [
      'finishes on uneven connections: small pieces for slow connections, splits never cut a piece',
      false,
      33,
    ],
    ['in order, a slow connection does not hold up the finish', true, 36],
  ])('%s', async (_name, inOrder, seed) => {
    const source = patternSource(8 * MIB, seed);
    const server = await serve(unevenServer(source, { rates: [4 * MIB, 4 * MIB, 128 * 1024, 4 * MIB] }));
    const sink = new PieceMemorySink(null, MIB);
    sink.inOrder = inOrder;
    const run = await runEngine(server.url, { maxConnections: 4, sink });
    expect(run.error).toBeNull();
    expect(sink.sha256()).toBe(await sha256Of(source));
    expect(run.result?.receivedBytes).toBe(source.size);
    expectBoundedPieces(server, MIB, run.result?.remote.etag);
    expectTiled(sink, source.size);
    expect(gets(server).length).toBeLessThanOrEqual(48);
  });

  it('takes a short (honest) answer as a shorter piece and asks for the rest', async () => {
    const source = patternSource(4 * MIB, 34);
    const server = await serve(shortRangeServer(source, { maxBytes: 512 * 1024 }));
    const sink = new PieceMemorySink(null, MIB);
    const run = await runEngine(server.url, { sink });
    expect(run.error).toBeNull();
    expect(sink.sha256()).toBe(await sha256Of(source));
    expectTiled(sink, source.size);
    // At least 8 answers of 512 KiB; new connections joining during ramp-up start with a small piece each.
    expect(gets(server).length).toBeLessThanOrEqual(4 * 2 + 10);
  });

  it('stops with a storage error when a piece cannot be stored', async () => {
    const source = patternSource(4 * MIB, 35);
    const server = await serve(throttledServer(source, { bytesPerSecond: 8 * MIB }));
    const sink = new PieceMemorySink(null, 512 * 1024);
    const run = await runEngine(server.url, {
      sink,
      onProgress: (p) => {
        if (p.doneBytes > MIB) sink.failWrites = new Error('QuotaExceededError');
      },
      progressIntervalMs: 20,
    });
    expect(run.error).toMatchObject({ name: 'StorageError', code: 'STORAGE' });
    expect(sink.finished).toBe(false);
  });
});
