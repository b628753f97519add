/**
 * A real aria2c (Debian package `aria2`) with its JSON-RPC on a free loopback port and a secret token, saving
 * into a fresh directory. `--stop-with-process` ends it with the test process, whatever happens to the test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../bench/nginx';

export interface Aria2Daemon {
  /** `http://127.0.0.1:PORT/jsonrpc`; the same port answers ws://. */
  rpcUrl: string;
  wsUrl: string;
  port: number;
  secret: string;
  /** Where aria2 saves. */
  dir: string;
  /** Stops aria2 (the port then refuses connections); `start` again on the same port and directory. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startAria2({ secret = 'test-secret-4f1c' } = {}): Promise<Aria2Daemon> {
  const dir = await mkdtemp(join(tmpdir(), 'accel-aria2-'));
  const port = await freePort();
  const rpcUrl = `http://127.0.0.1:${port}/jsonrpc`;
  let child: ChildProcess | null = null;
  const start = async () => {
    const proc = spawn(
      'aria2c',
      [
        '--enable-rpc',
        `--rpc-listen-port=${port}`,
        '--rpc-listen-all=false',
        `--rpc-secret=${secret}`,
        `--dir=${dir}`,
        '--no-conf',
        '--quiet',
        '--auto-file-renaming=false',
        `--stop-with-process=${process.pid}`,
      ],
      { stdio: 'ignore' },
    );
    child = proc;
    const started = performance.now();
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`aria2c exited with ${proc.exitCode}`);
      const up = await fetch(rpcUrl, {
        method: 'POST',
        body: JSON.stringify({ jsonrpc: '2.0', id: 'up', method: 'system.listMethods' }),
      }).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return;
      if (performance.now() - started > 10_000) throw new Error('aria2c did not open its RPC port');
      await sleep(50);
    }
  };
  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    rpcUrl,
    wsUrl: `ws://127.0.0.1:${port}/jsonrpc`,
    port,
    secret,
    dir,
    stop,
    start,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
