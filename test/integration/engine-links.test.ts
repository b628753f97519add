import { describe, expect, it } from 'vitest';
import { MemorySink, PieceMemorySink } from '../helpers/memory-sink';
import { MIB, runEngine } from '../helpers/run-engine';
import { gets, useServers } from '../helpers/served';
import { expiringLinkServer, patternSource, sha256Of } from '../server';

/** Redirects to signed URLs that expire while the download runs. */

const { serve } = useServers();

describe('a redirect target that starts answering 403 mid-download', () => {
  for (const mode of ['stream', 'pieces'] as const) {
    it(`continues from the original URL and lands the exact file (${mode})`, async () => {
      const source = patternSource(8 * MIB, 61);
      // Each signed URL serves 3 GETs (the probe's among them); then it answers 403 as an expired link does.
      const server = await serve(expiringLinkServer(source, 3, { bytesPerSecond: 4 * MIB }));
      const sink = mode === 'pieces' ? new PieceMemorySink(null, MIB) : new MemorySink(null, MIB);
      const run = await runEngine(server.url, { maxConnections: 4, ramp: false, sink });
      expect(run.error).toBeNull();
      expect(sink.sha256()).toBe(await sha256Of(source));
      const all = gets(server);
      const refused = all.filter((r) => r.status === 403);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      // Every refusal was followed by a request to the original URL, which redirected to a fresh signature.
      const redirects = all.filter((r) => r.status === 302);
      expect(redirects.length).toBeGreaterThan(1);
      expect(new Set(all.map((r) => r.search)).size).toBeGreaterThan(2);
      // Every ranged request after the probe carried If-Range: no byte of another version could be spliced in.
      for (const r of all.filter((r) => r.search !== '' && r.status === 206).slice(1)) {
        expect(r.ifRange).toBe(server.etag);
      }
      expect(run.notices.some((n) => n.type === 'retrying' && n.error.includes('403'))).toBe(true);
    });
  }

  it('lands the exact file when each signed link serves one request only', async () => {
    const source = patternSource(4 * MIB, 62);
    // A signature serves its redirect's GET only: every range after the first refusal comes through a fresh one.
    const server = await serve(expiringLinkServer(source, 1, { bytesPerSecond: 4 * MIB }));
    const sink = new PieceMemorySink(null, MIB);
    const run = await runEngine(server.url, { maxConnections: 2, ramp: false, sink });
    expect(run.error).toBeNull();
    expect(sink.sha256()).toBe(await sha256Of(source));
    const served = gets(server).filter((r) => r.status === 206);
    // No signature served twice.
    expect(new Set(served.map((r) => r.search)).size).toBe(served.length);
  });
});
