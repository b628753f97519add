import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Aria2Client, type Aria2Status } from '../../src/background/aria2/client';
import {
  Aria2RpcError,
  Aria2UnauthorizedError,
  Aria2UnreachableError,
} from '../../src/background/aria2/errors';
import { parseRpcUrl } from '../../src/background/aria2/rpc-url';
import { type Aria2Daemon, startAria2 } from '../helpers/aria2-daemon';
import { useServers } from '../helpers/served';
import { correctServer, patternSource, sha256Of, throttledServer } from '../server/index';

const MIB = 1024 * 1024;

describe('aria2 JSON-RPC client against a real aria2c', () => {
  let aria2: Aria2Daemon;
  const { serve } = useServers();
  beforeAll(async () => {
    aria2 = await startAria2();
  });
  afterAll(async () => {
    await aria2?.close();
  });
  const client = (secret = aria2.secret) => new Aria2Client({ rpcUrl: aria2.rpcUrl, secret });

  async function until(gid: string, status: Aria2Status['status']): Promise<Aria2Status> {
    for (let i = 0; i < 400; i++) {
      const s = await client().tellStatus(gid);
      if (s.status === status) return s;
      if (s.status === 'error') throw new Error(`aria2 failed: ${s.errorMessage}`);
      await sleep(50);
    }
    throw new Error(`${gid} never became ${status}`);
  }

  it("reports aria2's version with the right secret", async () => {
    expect(await client().version()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('a wrong or missing secret is Unauthorized, with its own class and code, and the secret in no message', async () => {
    for (const secret of ['wrong-secret', '']) {
      const error = await client(secret)
        .version()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Aria2UnauthorizedError);
      expect(error).toMatchObject({ code: 'ARIA2_UNAUTHORIZED', name: 'Aria2UnauthorizedError' });
      expect(String((error as Error).message)).not.toContain(aria2.secret);
      if (secret) expect(String((error as Error).message)).not.toContain(secret);
    }
  });

  it('an unknown GID is an RPC error with aria2’s own message', async () => {
    const error = await client()
      .tellStatus('0123456789abcdef')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Aria2RpcError);
    expect(error).toMatchObject({ code: 'ARIA2_RPC', method: 'aria2.tellStatus' });
    expect((error as Error).message).toMatch(/not found/i);
  });

  it('nothing listening, or something that is not aria2, is unreachable', async () => {
    const closed = new Aria2Client({ rpcUrl: 'http://127.0.0.1:9/jsonrpc', secret: 's' });
    await expect(closed.version()).rejects.toMatchObject({ code: 'ARIA2_UNREACHABLE' });
    const web = await serve(correctServer(patternSource(1024, 1)));
    const notAria2 = new Aria2Client({ rpcUrl: `${web.origin}/jsonrpc`, secret: 's' });
    const error = await notAria2.version().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Aria2UnreachableError);
    expect((error as Error).message).toMatch(/not JSON/);
  });

  it('addUri: aria2 fetches the URL under the given name with the Cookie, Referer and User-Agent', async () => {
    const source = patternSource(3 * MIB, 21);
    const server = await serve(correctServer(source, { path: '/from-aria2.bin' }));
    const gid = await client().addUri([server.url], {
      out: 'named by browser.bin',
      referer: 'http://127.0.0.1/page.html',
      'user-agent': 'TestAgent/1.0',
      header: ['Cookie: session=abc; theme=dark'],
    });
    expect(gid).toMatch(/^[0-9a-f]{16}$/);
    const done = await until(gid, 'complete');
    expect(done.completedLength).toBe(String(source.size));
    const bytes = await readFile(join(aria2.dir, 'named by browser.bin'));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(await sha256Of(source));
    const gets = server.requests.filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(0);
    for (const r of gets) {
      expect(r.headers.cookie).toBe('session=abc; theme=dark');
      expect(r.headers.referer).toBe('http://127.0.0.1/page.html');
      expect(r.headers['user-agent']).toBe('TestAgent/1.0');
    }
    await client().removeDownloadResult(gid);
  });

  it('pause, unpause and remove a running download', async () => {
    const source = patternSource(64 * MIB, 22);
    const server = await serve(throttledServer(source, { bytesPerSecond: 1 * MIB }, { path: '/slow.bin' }));
    const gid = await client().addUri([server.url], { out: 'slow.bin' });
    await until(gid, 'active');
    expect(await client().pause(gid)).toBe(gid);
    await until(gid, 'paused');
    expect(await client().unpause(gid)).toBe(gid);
    await until(gid, 'active');
    expect(await client().remove(gid)).toBe(gid);
    await until(gid, 'removed');
    await client().removeDownloadResult(gid);
    await expect(client().tellStatus(gid)).rejects.toMatchObject({ code: 'ARIA2_RPC' });
  });
});

describe('aria2 RPC URL', () => {
  it.each([
    ['http://127.0.0.1:6800/jsonrpc', 'http'],
    ['https://nas.local:6800/jsonrpc', 'http'],
    ['ws://127.0.0.1:6800/jsonrpc', 'ws'],
    ['wss://seedbox.example/jsonrpc', 'ws'],
  ])('%s goes over %s', (url, transport) => {
    expect(parseRpcUrl(url)).toEqual({ url, transport });
  });

  it.each([
    ['ftp://127.0.0.1/jsonrpc', /must start with/],
    ['127.0.0.1:6800', /must start with|not a URL/],
    ['http://token:secret@127.0.0.1:6800/jsonrpc', /user name or password/],
    ['http://127.0.0.1:6800/jsonrpc?token=secret', /query/],
    ['not a url', /not a URL/],
  ])('%s is refused', (url, reason) => {
    expect(() => parseRpcUrl(url)).toThrow(reason);
    expect(() => parseRpcUrl(url)).toThrow(expect.objectContaining({ code: 'ARIA2_BAD_URL' }));
  });
});

describe('aria2 over ws://', () => {
  let aria2: Aria2Daemon;
  beforeAll(async () => {
    aria2 = await startAria2();
  });
  afterAll(async () => {
    await aria2?.close();
  });

  /** The client in a Node whose WebSocket is on (Node 20 keeps it behind a flag). */
  function callOverWs(rpcUrl: string, secret: string, method: string): Record<string, unknown> {
    const helper = resolve(import.meta.dirname, '../helpers/aria2-ws-call.ts');
    const run = spawnSync(
      process.execPath,
      ['--experimental-websocket', '--no-warnings', '--import', 'tsx', helper, rpcUrl, secret, method],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
  }

  it('the same calls and the same errors as over http', () => {
    expect(callOverWs(aria2.wsUrl, aria2.secret, 'aria2.getVersion')).toMatchObject({
      ok: true,
      value: { version: expect.stringMatching(/^\d+\.\d+/) },
    });
    expect(callOverWs(aria2.wsUrl, 'wrong', 'aria2.getVersion')).toMatchObject({
      ok: false,
      code: 'ARIA2_UNAUTHORIZED',
    });
    expect(callOverWs('ws://127.0.0.1:9/jsonrpc', 's', 'aria2.getVersion')).toMatchObject({
      ok: false,
      code: 'ARIA2_UNREACHABLE',
    });
  });
});
