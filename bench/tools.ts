import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface Client {
  name: string;
  /** Command line downloading `url` into `out` with `connections` connections. */
  command(url: string, out: string, connections: number): string[];
}

const ACCEL = join(import.meta.dirname, '../bin/accel.js');

export const accel: Client = {
  name: 'accel',
  command: (url, out, n) => [process.execPath, ACCEL, url, '-n', String(n), '-o', out, '--quiet'],
};

export const aria2c: Client = {
  name: 'aria2c',
  command: (url, out, n) => [
    'aria2c',
    '-x',
    String(n),
    '-s',
    String(n),
    '-k',
    '1M',
    '--min-split-size=1M',
    '--file-allocation=none',
    '--allow-overwrite=true',
    '--auto-file-renaming=false',
    '--console-log-level=error',
    '--summary-interval=0',
    '-d',
    join(out, '..'),
    '-o',
    out.split('/').pop() ?? 'out',
    url,
  ],
};

export const axel: Client = {
  name: 'axel',
  command: (url, out, n) => ['axel', '-q', '-n', String(n), '-o', out, url],
};

export function installed(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/** Clients still running, so an interrupted run can stop them on its way out. */
const runningClients = new Set<ChildProcess>();

/** SIGKILL to every client process this module started that is still running. Synchronous. */
export function stopAllClients(): void {
  for (const child of runningClients) child.kill('SIGKILL');
}

export type ClientRun =
  | { status: 'ok'; seconds: number }
  | { status: 'timeout'; seconds: number }
  | { status: 'failed'; seconds: number; message: string };

/**
 * Runs a command to completion and measures its wall time in seconds (process start to exit). A command still
 * running after timeoutSeconds is killed (SIGKILL: only the child this call started) and reported as a timeout.
 */
export function runClient(argv: string[], timeoutSeconds: number): Promise<ClientRun> {
  const [cmd, ...args] = argv;
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  return new Promise((resolve) => {
    const child = spawn(cmd as string, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    runningClients.add(child);
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      runningClients.delete(child);
      resolve({ status: 'failed', seconds: elapsed(), message: error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      runningClients.delete(child);
      const seconds = elapsed();
      if (timedOut) resolve({ status: 'timeout', seconds });
      else if (code === 0) resolve({ status: 'ok', seconds });
      else resolve({ status: 'failed', seconds, message: `exit ${code}: ${lastLine(stderr)}` });
    });
  });
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim().slice(0, 120);
}
