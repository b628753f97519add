import { it } from 'vitest';
import { HostPool } from '../../src/engine/host-pool';
import { PieceMemorySink } from '../helpers/memory-sink';
import { MIB, runEngine } from '../helpers/run-engine';
import { connectionLimitServer, patternSource } from '../server';

it('dbg', async () => {
  const source = patternSource(24 * MIB, 72);
  const server = await connectionLimitServer(source, { maxConcurrent: 2, bytesPerSecond: 4 * MIB });
  const t = performance.now();
  const sink = new PieceMemorySink(null, 8 * MIB);
  const run = await runEngine(server.url, {
    sink,
    maxConnections: 6,
    pool: new HostPool({ maxPerHost: 6 }),
    retry: { attempts: 5, baseDelayMs: 500, maxDelayMs: 15000, factor: 2 },
  });
  console.log((performance.now() - t) / 1000, run.error, run.notices, run.result?.adaptations);
  console.log(
    server.requests
      .map(
        (r) =>
          `${(r.startedAtMs - server.requests[0]!.startedAtMs).toFixed(0)} ${r.connectionId} ${r.range} ${r.status} ${r.bytesSent} ${r.aborted} ${((r.endedAtMs ?? 0) - server.requests[0]!.startedAtMs).toFixed(0)}`,
      )
      .join('\n'),
  );
  await server.close();
}, 120000);
