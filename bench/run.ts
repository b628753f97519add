/**
 * Command-line benchmark: accel against aria2c and axel (when installed), one download at a time, on
 * the project's test server and, when installed, on a real nginx, for the scenarios in scenarios.ts. Prints one
 * Markdown table per server; progress goes to stderr. Run with `npm run bench`
 * (options: --size-mib N, --cap-mib N, --quick for one row per scenario, --servers test,nginx,
 * --only a8,b4 for some rows (scenario letter and -n), --clients accel,axel for some clients).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { patternSource, sha256Of } from '../test/server';
import { type Backend, testServerBackend } from './backend';
import { nginxBackend, stopAllNginx } from './nginx';
import { cell, type Measured, table, verdict } from './report';
import { type Scenario, scenarios, timeoutSeconds } from './scenarios';
import { accel, aria2c, axel, type Client, installed, runClient, stopAllClients } from './tools';

const MIB = 1024 * 1024;
const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '512' },
    'cap-mib': { type: 'string', default: '10' },
    quick: { type: 'boolean', default: false },
    servers: { type: 'string', default: 'test,nginx' },
    only: { type: 'string', default: '' },
    clients: { type: 'string', default: 'accel,aria2c,axel' },
  },
});
const runStarted = performance.now();
const sizeBytes = Number(values['size-mib']) * MIB;
const capBytesPerSecond = Number(values['cap-mib']) * MIB;
const servers = values.servers.split(',');
const source = patternSource(sizeBytes, 42);
const expectedSha = await sha256Of(source);
const only = values.only === '' ? null : values.only.split(',');
const wanted = values.clients.split(',').filter((name) => name !== 'accel');
// accel always runs: the verdicts are about it.
const clients = [
  accel,
  ...[aria2c, axel].filter((c) => wanted.includes(c.name) && installed(c.command('', '/x', 1)[0] ?? '')),
];
const dir = await mkdtemp(join(tmpdir(), 'accel-bench-'));

// nginx and the clients run as separate processes: stop them and drop the files however this run ends.
process.on('exit', () => {
  stopAllClients();
  stopAllNginx();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopAllClients();
    stopAllNginx();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}

console.log(
  `\n${values['size-mib']} MiB file, cap ${values['cap-mib']} MiB/s, all servers on 127.0.0.1; ` +
    `${clients.map((c) => `${c.name} ${versionOf(c)}`).join(', ')}`,
);
console.log(
  'Cell: time from process start to complete file, x ideal (ideal = size / sum of the capacities of the ' +
    "connections used), GET requests the server saw, 503 answers; every file's SHA-256 is checked and a " +
    'mismatch shows as WRONG BYTES. Target and pass are for accel. One download at a time, one sample per cell.',
);
if (clients.length < 1 + wanted.length)
  console.log('(aria2c or axel not installed: apt-get install -y aria2 axel)');

const backends: (() => Promise<Backend>)[] = [];
if (servers.includes('test')) backends.push(async () => testServerBackend(source));
if (servers.includes('nginx')) {
  if (installed('nginx')) backends.push(() => nginxBackend(source, dir));
  else console.log('\n## nginx\n\nSkipped: nginx is not installed (apt-get install -y nginx-light).');
}

let met = 0;
let total = 0;
try {
  for (const start of backends) {
    const backend = await start();
    try {
      const rows: string[][] = [];
      for (const scenario of scenarios(capBytesPerSecond, values.quick)) {
        if (only && !only.includes(`${scenario.key}${scenario.connections}`)) continue;
        const row = await measureRow(backend, scenario);
        rows.push(row.cells);
        total += 1;
        if (row.pass) met += 1;
      }
      console.log(`\n## ${backend.name}\n\n${backend.note}\n`);
      const header = [
        'scenario',
        '-n',
        'ideal',
        'target',
        ...clients.map((c) => c.name),
        'accel meets target',
      ];
      console.log(table(header, rows));
    } finally {
      await backend.dispose();
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
const minutes = (performance.now() - runStarted) / 60_000;
console.log(`\naccel met ${met} of ${total} targets; whole run ${minutes.toFixed(1)} min.`);

async function measureRow(backend: Backend, scenario: Scenario): Promise<{ cells: string[]; pass: boolean }> {
  const idealSeconds = sizeBytes / scenario.capacityBytesPerSecond;
  const measured: Measured[] = [];
  for (const client of clients) {
    const m = await measure(backend, client, scenario, idealSeconds);
    console.error(
      `${backend.name} ${scenario.label} -n ${scenario.connections} ${client.name}: ${cell(m, scenario, idealSeconds)}`,
    );
    measured.push(m);
  }
  const [ours, ...others] = measured as [Measured, ...Measured[]];
  const result = verdict(scenario, idealSeconds, ours, others);
  const cells = [
    scenario.label,
    String(scenario.connections),
    `${idealSeconds.toFixed(2)} s`,
    result.target,
    ...measured.map((m) => cell(m, scenario, idealSeconds)),
    result.text,
  ];
  return { cells, pass: result.pass };
}

async function measure(
  backend: Backend,
  client: Client,
  scenario: Scenario,
  ideal: number,
): Promise<Measured> {
  const serving = await backend.serve(scenario.shape);
  const out = join(dir, `${client.name}-${scenario.key}-${scenario.connections}.bin`);
  try {
    const run = await runClient(
      client.command(serving.url, out, scenario.connections),
      timeoutSeconds(ideal),
    );
    const counts = await serving.finish();
    const bytesOk = run.status === 'ok' ? (await fileSha(out).catch(() => '')) === expectedSha : null;
    return { client: client.name, run, counts, bytesOk };
  } finally {
    await serving.finish();
    for (const suffix of ['', '.part', '.part.json', '.st', '.aria2'])
      await rm(`${out}${suffix}`, { force: true });
  }
}

async function fileSha(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function versionOf(client: Client): string {
  const argv = client.name === 'accel' ? [process.execPath, '--version'] : [client.name, '--version'];
  const first = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' }).stdout.split('\n')[0] ?? '';
  return client.name === 'accel' ? `(node ${first.trim()})` : (first.match(/\d+(\.\d+)+/)?.[0] ?? '');
}
