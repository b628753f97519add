import { spawn, spawnSync } from 'node:child_process';
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

/** Runs a command to completion; resolves with wall time in seconds, rejects on a non-zero exit. */
export function timed(argv: string[]): Promise<number> {
  const [cmd, ...args] = argv;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve((performance.now() - started) / 1000);
      else reject(new Error(`${cmd} exited ${code}: ${stderr.trim().slice(0, 300)}`));
    });
  });
}
