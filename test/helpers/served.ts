import { afterEach } from 'vitest';
import type { RangeServer, RequestRecord } from '../server';

/** Servers a test starts through `serve` are closed after it. Call once at the top of a test file. */
export function useServers(): { serve: (server: Promise<RangeServer>) => Promise<RangeServer> } {
  const servers: RangeServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return {
    serve: async (server) => {
      const s = await server;
      servers.push(s);
      return s;
    },
  };
}

/** The GET requests a server saw (HEAD and others left out). */
export const gets = (s: RangeServer) => s.requests.filter((r) => r.method === 'GET');

/** Most requests in flight at once, from the server's log. */
export function peakConcurrency(requests: readonly RequestRecord[]): number {
  const events = requests.flatMap((r) => [
    { at: r.startedAtMs, d: 1 },
    { at: r.endedAtMs ?? Number.POSITIVE_INFINITY, d: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.d - b.d);
  let now = 0;
  let peak = 0;
  for (const e of events) {
    now += e.d;
    peak = Math.max(peak, now);
  }
  return peak;
}
