import { afterEach } from 'vitest';
import type { RangeServer } from '../server';

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
