import { createRangeServer, type FileSource } from '../test/server';
import type { ServerShape } from './scenarios';

/** What the server saw during one download. */
export interface ServerCounts {
  /** GET requests, refused ones included. */
  gets: number;
  /** GET requests answered 503. */
  refused: number;
}

/** One server instance serving the file for one download; fresh per download so socket numbering restarts at 0. */
export interface Serving {
  url: string;
  /** Stops the server and returns its counts. Safe to call more than once. */
  finish(): Promise<ServerCounts>;
}

/** A kind of HTTP server the benchmark can run the scenarios against. */
export interface Backend {
  name: string;
  /** One line under the section title: what the server is and how it applies the shapes. */
  note: string;
  serve(shape: ServerShape): Promise<Serving>;
  /** Releases what the backend set up (files, processes). */
  dispose(): Promise<void>;
}

/** The project's own fault-injecting range server (test/server), in this process. */
export function testServerBackend(source: FileSource): Backend {
  return {
    name: 'test server',
    note:
      "The project's test server (test/server) in the benchmark process: socket k (accept order, from 0) gets " +
      'its rate from the scenario, paced by a token bucket; above the limit of (d) it answers 503 with Retry-After: 1.',
    async serve(shape) {
      const server = await createRangeServer({
        source,
        connectionRates: shape.socketRates,
        maxConcurrentRequests: shape.maxConcurrent ?? undefined,
      });
      let counts: Promise<ServerCounts> | null = null;
      return {
        url: server.url,
        finish() {
          counts ??= server.close().then(() => {
            const gets = server.requests.filter((r) => r.method === 'GET');
            return { gets: gets.length, refused: gets.filter((r) => r.status === 503).length };
          });
          return counts;
        },
      };
    },
    dispose: async () => {},
  };
}
