import { afterEach, describe, expect, it } from 'vitest';
import { MemorySink } from '../helpers/memory-sink';
import { MIB, runEngine } from '../helpers/run-engine';
import { noValidatorsServer, patternSource, type RangeServer, sha256Of, throttledServer } from '../server';

let server: RangeServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

function asked(header: string | null, size: number): { start: number; end: number } {
  const match = /^bytes=(\d+)-(\d*)$/.exec(header ?? '');
  if (!match) throw new Error(`unexpected Range ${header}`);
  return { start: Number(match[1]), end: match[2] ? Number(match[2]) : size - 1 };
}

/** Runs until at least `fraction` of the file is in, then aborts as a pause would. */
async function pauseAt(url: string, fraction: number, size: number): Promise<MemorySink> {
  const controller = new AbortController();
  const run = await runEngine(url, {
    signal: controller.signal,
    progressIntervalMs: 50,
    onProgress: (p) => {
      if (p.doneBytes >= size * fraction) controller.abort('pause');
    },
  });
  expect(run.error).toMatchObject({ name: 'AbortedError', code: 'ABORTED', reason: 'pause' });
  expect(run.sink.finished).toBe(false);
  return run.sink;
}

describe('engine pause and resume', () => {
  it('keeps the pieces on pause and fetches only what is missing on resume', async () => {
    const source = patternSource(8 * MIB, 41);
    server = await throttledServer(source, { bytesPerSecond: 4 * MIB });
    const paused = await pauseAt(server.url, 0.3, source.size);
    const stored = paused.done.reduce((n, r) => n + r.end - r.start + 1, 0);
    expect(stored).toBeGreaterThanOrEqual(0.3 * source.size - 4 * paused.preferredWriteBytes);
    server.reset();

    const resumed = await runEngine(server.url, { sink: MemorySink.resumeFrom(paused) });
    expect(resumed.error).toBeNull();
    expect(resumed.sink.sha256()).toBe(await sha256Of(source));
    expect(resumed.notices).toContainEqual({ type: 'resumed', doneBytes: stored });
    for (const r of server.requests) {
      expect(r.ifRange).toBe(server.etag);
      const range = asked(r.range, source.size);
      for (const have of paused.done) expect(range.start > have.end || range.end < have.start).toBe(true);
    }
    // Nothing already stored is fetched again: what is served beyond the missing bytes is what was in flight when
    // a connection was cut short, and the duplicate requests of endgame races and straggler restarts (each at most
    // one split, 1 MiB), which the scheduler counts.
    const a = resumed.result?.adaptations;
    const duplicates = (a?.racesWon ?? 0) + (a?.racesLost ?? 0) + (a?.stragglerRestarts ?? 0);
    expect(server.bytesSent).toBeLessThanOrEqual(source.size - stored + 4 * 256 * 1024 + duplicates * MIB);
  });

  it('restarts from zero when the file changed while paused', async () => {
    const source = patternSource(8 * MIB, 42);
    const changed = patternSource(8 * MIB, 43);
    server = await throttledServer(source, { bytesPerSecond: 4 * MIB });
    const paused = await pauseAt(server.url, 0.3, source.size);
    server.setSource(changed);
    const sink = MemorySink.resumeFrom(paused);
    const resumed = await runEngine(server.url, { sink });
    expect(resumed.error).toBeNull();
    expect(resumed.sink.sha256()).toBe(await sha256Of(changed));
    expect(resumed.notices).toContainEqual({ type: 'restarted', reason: 'changed' });
    expect(sink.resets).toBe(1);
  });

  it('resumes without validators only after checking the size, and says so', async () => {
    const source = patternSource(8 * MIB, 44);
    server = await noValidatorsServer(source, { bytesPerSecond: 4 * MIB });
    const paused = await pauseAt(server.url, 0.3, source.size);
    const resumed = await runEngine(server.url, { sink: MemorySink.resumeFrom(paused) });
    expect(resumed.error).toBeNull();
    expect(resumed.sink.sha256()).toBe(await sha256Of(source));
    expect(resumed.notices).toContainEqual({ type: 'unverified-resume' });
  });

  it('stops with a storage error when the sink cannot write, keeping what was stored', async () => {
    const source = patternSource(8 * MIB, 45);
    server = await throttledServer(source, { bytesPerSecond: 4 * MIB });
    const sink = new MemorySink();
    const run = await runEngine(server.url, {
      sink,
      progressIntervalMs: 50,
      onProgress: (p) => {
        if (p.doneBytes > 2 * MIB) sink.failWrites = new Error('QuotaExceededError');
      },
    });
    expect(run.error).toMatchObject({ name: 'StorageError', code: 'STORAGE' });
    expect((run.error as Error).message).toContain('QuotaExceededError');
    expect(sink.finished).toBe(false);
    expect(sink.done.length).toBeGreaterThan(0);
  });
});
