import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { access, chmod, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FileSource } from '../test/server';
import type { Backend, ServerCounts, Serving } from './backend';
import type { ServerShape } from './scenarios';

const TEMPLATE = join(import.meta.dirname, 'nginx/nginx.conf');
/** Connections 1..MAPPED get their rate from the shape; later ones the default. No client opens this many. */
const MAPPED_CONNECTIONS = 1024;
const WRITE_PIECE_BYTES = 4 * 1024 * 1024;
const START_TIMEOUT_MS = 5000;
const STOP_TIMEOUT_MS = 5000;

/** nginx masters still running, so an interrupted run can stop them on its way out. */
const running = new Set<ChildProcess>();

/** Fast shutdown (SIGTERM: the master stops its worker too) of every nginx this process started. Synchronous. */
export function stopAllNginx(): void {
  for (const child of running) child.kill('SIGTERM');
}

/**
 * A real nginx (bench/nginx/nginx.conf) serving the file from `dir`. Every download gets a fresh nginx on a free
 * port, so $connection numbering starts at 1 and the access log holds that download's requests only.
 */
export async function nginxBackend(source: FileSource, dir: string): Promise<Backend> {
  const prefix = join(dir, 'nginx');
  await mkdir(join(prefix, 'www'), { recursive: true });
  await mkdir(join(prefix, 'temp'), { recursive: true });
  // nginx started as root serves from unprivileged workers: they must reach the file.
  for (const path of [dir, prefix, join(prefix, 'www')]) await chmod(path, 0o755);
  await writeSource(source, join(prefix, 'www', 'file.bin'));
  const template = await readFile(TEMPLATE, 'utf8');
  return {
    name: 'nginx',
    note:
      `nginx ${nginxVersion()} (bench/nginx/nginx.conf), one fresh nginx per download: limit_rate from a map on ` +
      '$connection (connection k+1 = socket k); limit_conn + limit_conn_status 503 for (d). limit_rate lets ' +
      "each response send its first one to two seconds' worth at once, so times under 1x are possible.",
    serve: (shape) => serveOnce(prefix, template, shape),
    dispose: async () => {
      stopAllNginx();
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

async function serveOnce(prefix: string, template: string, shape: ServerShape): Promise<Serving> {
  const port = await freePort();
  const confPath = join(prefix, 'nginx.conf');
  const logPath = join(prefix, 'access.log');
  const pidPath = join(prefix, 'nginx.pid');
  await rm(logPath, { force: true });
  await rm(pidPath, { force: true });
  await writeFile(confPath, render(template, { prefix, port, shape }));
  const errorLogPath = join(prefix, 'error.log');
  const child = spawn('nginx', ['-p', `${prefix}/`, '-c', confPath, '-e', errorLogPath], { stdio: 'ignore' });
  running.add(child);
  const exited = once(child, 'exit').then(() => running.delete(child));
  // The pid file appears once the listening socket is open. Polling the port instead would open a connection
  // and shift every $connection number by one.
  const startedAt = performance.now();
  while (!(await exists(pidPath))) {
    if (child.exitCode !== null || performance.now() - startedAt > START_TIMEOUT_MS) {
      child.kill('SIGTERM');
      const log = await readFile(errorLogPath, 'utf8').catch(() => '');
      throw new Error(`nginx did not start: ${log.trim().split('\n').pop() || 'no pid file'}`);
    }
    await sleep(20);
  }
  let counts: Promise<ServerCounts> | null = null;
  return {
    url: `http://127.0.0.1:${port}/file.bin`,
    finish() {
      counts ??= stop(child, exited).then(() => countRequests(logPath));
      return counts;
    },
  };
}

/** Graceful stop (SIGQUIT): requests of a client that has left end, and are logged, within a write or two. */
async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGQUIT');
  const timer = setTimeout(() => child.kill('SIGTERM'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

async function countRequests(logPath: string): Promise<ServerCounts> {
  const text = await readFile(logPath, 'utf8').catch(() => '');
  // A diagnostic: BENCH_NGINX_LOG=PREFIX keeps each download's log as PREFIX.<ms> (when each request ended, and
  // how long it took: where a client's time went).
  if (process.env.BENCH_NGINX_LOG) await writeFile(`${process.env.BENCH_NGINX_LOG}.${Date.now()}`, text);
  // log_format bench: $connection $status $request_method "$http_range" $body_bytes_sent $msec $request_time
  const gets = text
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields[2] === 'GET');
  return { gets: gets.length, refused: gets.filter((fields) => fields[1] === '503').length };
}

function render(
  template: string,
  { prefix, port, shape }: { prefix: string; port: number; shape: ServerShape },
) {
  const rateOf = (k: number): number => Math.round(shape.socketRates[k % shape.socketRates.length] as number);
  const defaultRate = mostCommon(Array.from({ length: MAPPED_CONNECTIONS }, (_, k) => rateOf(k)));
  const entries: string[] = [];
  for (let k = 0; k < MAPPED_CONNECTIONS; k++) {
    if (rateOf(k) !== defaultRate) entries.push(`        ${k + 1} ${rateOf(k)};`);
  }
  const values: Record<string, string> = {
    PREFIX: prefix,
    PORT: String(port),
    DEFAULT_RATE: String(defaultRate),
    CONNECTION_RATES: entries.join('\n'),
    LIMIT_CONN:
      shape.maxConcurrent === null ? '# no limit_conn' : `limit_conn per_server ${shape.maxConcurrent};`,
  };
  return template.replace(/@([A-Z_]+)@/g, (whole, name: string) => values[name] ?? whole);
}

function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

async function writeSource(source: FileSource, path: string): Promise<void> {
  const file = await open(path, 'w', 0o644);
  try {
    for (let offset = 0; offset < source.size; offset += WRITE_PIECE_BYTES) {
      await file.write(source.slice(offset, Math.min(offset + WRITE_PIECE_BYTES, source.size)));
    }
  } finally {
    await file.close();
  }
}

function nginxVersion(): string {
  const result = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  return result.stderr.match(/nginx\/([\d.]+)/)?.[1] ?? '';
}

/** A port free on 127.0.0.1 right now (the browser benchmark's nginx uses it too). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
