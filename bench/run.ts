/**
 * Command-line benchmark: accel against aria2c and axel (when installed) on loopback test servers.
 * Prints a Markdown table. Run with `npm run bench` (options: --size-mib N, --cap-mib N, --quick).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { patternSource, type RangeServer, sha256Of, throttledServer, unevenServer } from '../test/server';
import { accel, aria2c, axel, type Client, installed, timed } from './tools';

const MIB = 1024 * 1024;
const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '256' },
    'cap-mib': { type: 'string', default: '10' },
    quick: { type: 'boolean', default: false },
  },
});
const sizeBytes = Number(values['size-mib']) * MIB;
const capBytesPerSecond = Number(values['cap-mib']) * MIB;
const source = patternSource(sizeBytes, 42);
const expectedSha = await sha256Of(source);
const clients = [accel, ...[aria2c, axel].filter((c) => installed(c.command('', '/x', 1)[0] ?? ''))];
const dir = await mkdtemp(join(tmpdir(), 'accel-bench-'));

interface Scenario {
  label: string;
  connections: number;
  /** Sum of the capacities of `connections` connections, bytes/s. */
  capacity: number;
  start(): Promise<RangeServer>;
}

/** Uneven connections: the k-th socket gets UNEVEN[k % 4] x cap. */
const UNEVEN = [1, 1, 1 / 4, 1 / 16];
const unevenMean = UNEVEN.reduce((a, b) => a + b) / UNEVEN.length;

const scenarios: Scenario[] = [
  ...(values.quick ? [6] : [1, 4, 6, 8]).map((n) => ({
    label: `cap ${values['cap-mib']} MiB/s per connection`,
    connections: n,
    capacity: n * capBytesPerSecond,
    start: () => throttledServer(source, { bytesPerSecond: capBytesPerSecond }),
  })),
  ...(values.quick ? [8] : [4, 8]).map((n) => ({
    label: 'uneven connections (1, 1, 1/4, 1/16 x cap)',
    connections: n,
    capacity: n * unevenMean * capBytesPerSecond,
    start: () => unevenServer(source, { rates: UNEVEN.map((f) => f * capBytesPerSecond) }),
  })),
];

async function fileSha(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function measure(client: Client, scenario: Scenario): Promise<string> {
  const server = await scenario.start();
  const out = join(dir, `${client.name}-${scenario.connections}.bin`);
  try {
    const seconds = await timed(client.command(server.url, out, scenario.connections));
    const ok = (await fileSha(out)) === expectedSha;
    const requests = server.requests.filter((r) => r.method === 'GET').length;
    const ideal = sizeBytes / scenario.capacity;
    return `${seconds.toFixed(2)} s (${(seconds / ideal).toFixed(2)}x, ${requests} req${ok ? '' : ', WRONG BYTES'})`;
  } catch (error) {
    return `failed: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    await server.close();
    await rm(out, { force: true });
    await rm(`${out}.part`, { force: true });
    await rm(`${out}.part.json`, { force: true });
    await rm(`${out}.st`, { force: true });
    await rm(`${out}.aria2`, { force: true });
  }
}

const header = ['scenario', '-n', 'ideal', ...clients.map((c) => c.name)];
console.log(
  `\n${values['size-mib']} MiB file on 127.0.0.1; time from start to complete file (x ideal, GET requests)\n`,
);
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const scenario of scenarios) {
  const cells = [
    scenario.label,
    String(scenario.connections),
    `${(sizeBytes / scenario.capacity).toFixed(2)} s`,
  ];
  for (const client of clients) cells.push(await measure(client, scenario));
  console.log(`| ${cells.join(' | ')} |`);
}
await rm(dir, { recursive: true, force: true });
