import { describe, expect, it } from 'vitest';
import { HttpStatusError } from '../../src/engine/errors';
import { PieceMemorySink } from '../helpers/memory-sink';
import { MIB, runEngine } from '../helpers/run-engine';
import { gets, useServers } from '../helpers/served';
import { correctServer, patternSource, sha256Of } from '../server';

/**
 * A single-use link: the server serves the first GET and refuses every one after it, from the same URL, with no
 * fresh link. In stream mode (the CLI) the probe's open response carries the whole file, so the download lands
 * over that one stream; the other connections are refused and dropped, not the job failed.
 */

const { serve } = useServers();

describe('a single-use link', () => {
  for (const [status, ramp, connections, expectedGets] of [
    [403, false, 4, 4],
    [410, false, 4, 4],
    [403, true, 8, 2],
  ] as const) {
    it(`lands the exact file over the one stream that works (${status}, ${connections} connections, ramp ${ramp})`, async () => {
      const source = patternSource(8 * MIB, 81);
      const server = await serve(correctServer(source, { singleUse: { status }, bytesPerSecond: 16 * MIB }));
      const run = await runEngine(server.url, { maxConnections: connections, ramp });
      expect(run.error).toBeNull();
      expect(run.sink.sha256()).toBe(await sha256Of(source));
      const all = gets(server);
      // The probe was served; each other connection asked once, was refused, and was dropped.
      expect(all.map((r) => r.status)).toEqual([206, ...Array(expectedGets - 1).fill(status)]);
      expect(all[0]?.range).toBe('bytes=0-');
      expect(run.result?.requests).toBe(expectedGets);
      expect(run.result?.adaptations.stragglerRestarts).toBe(0);
      expect(run.result?.adaptations.racesWon).toBe(0);
      expect(run.notices).toContainEqual({ type: 'connections-lowered', connections: 1, status });
    });
  }

  it('fails fast with the refusal where nothing else receives (piece mode), keeping the stored piece', async () => {
    const source = patternSource(4 * MIB, 82);
    const server = await serve(correctServer(source, { singleUse: { status: 403 } }));
    const sink = new PieceMemorySink(null, MIB);
    const run = await runEngine(server.url, { maxConnections: 2, ramp: false, sink });
    expect(run.error).toBeInstanceOf(HttpStatusError);
    expect((run.error as HttpStatusError).status).toBe(403);
    expect(sink.resets).toBe(0);
    // The probe's first piece (256 KiB) is kept.
    expect(sink.done).toEqual([{ start: 0, end: 256 * 1024 - 1 }]);
    expect(gets(server).length).toBeLessThanOrEqual(3);
  });

  it('a refusal of the first request (404 here) still fails at once, with one request', async () => {
    const server = await serve(correctServer(patternSource(MIB, 83), { path: '/other.bin' }));
    const run = await runEngine(`${server.origin}/file.bin`, { maxConnections: 4 });
    expect((run.error as HttpStatusError).status).toBe(404);
    expect(gets(server)).toHaveLength(1);
  });
});
