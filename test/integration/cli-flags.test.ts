import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accel, fileSha256 } from '../helpers/accel-cli';
import { createLinkServer, type LinkServer } from '../helpers/link-server';
import { MIB } from '../helpers/run-engine';
import { correctServer, patternSource, type RangeServer, sha256Of, throttledServer } from '../server';

let dir = '';
const servers: RangeServer[] = [];
let links: LinkServer | null = null;
let silent: Server | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'accel-flags-'));
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await links?.close();
  links = null;
  await new Promise((r) => (silent ? silent.close(r) : r(null)));
  silent = null;
  await rm(dir, { recursive: true, force: true });
});

async function serve(...args: Parameters<typeof correctServer>): Promise<RangeServer> {
  const server = await correctServer(...args);
  servers.push(server);
  return server;
}

describe('accel request flags', () => {
  it('sends -H, --user-agent, --referer and --cookie on every request, ranges included', async () => {
    const source = patternSource(4 * MIB, 81);
    const server = await serve(source);
    const run = await accel(
      [server.url, '-n', '3', '-o', 'f.bin', '-H', 'X-Token: abc 123', '-H', 'accept: */*'].concat([
        '--user-agent',
        'TestAgent/1.0',
        '--referer',
        'http://127.0.0.1/page',
        '--cookie',
        'sid=42; theme=dark',
      ]),
      dir,
    ).done;
    expect(run.code, run.stderr).toBe(0);
    expect(await fileSha256(join(dir, 'f.bin'))).toBe(await sha256Of(source));
    const gets = server.requests.filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(1);
    for (const r of gets) {
      expect(r.headers['x-token']).toBe('abc 123');
      expect(r.headers.accept).toBe('*/*');
      expect(r.headers['user-agent']).toBe('TestAgent/1.0');
      expect(r.headers.referer).toBe('http://127.0.0.1/page');
      expect(r.headers.cookie).toBe('sid=42; theme=dark');
    }
  });

  it('sends the cookies of --load-cookies that match the host, path, scheme and time', async () => {
    const server = await serve(patternSource(MIB, 82));
    const future = Math.floor(Date.now() / 1000) + 3600;
    const jar = [
      '# Netscape HTTP Cookie File',
      '127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\ts1',
      `127.0.0.1\tFALSE\t/file.bin\tFALSE\t${future}\tdeep\td1`,
      '127.0.0.1\tFALSE\t/other\tFALSE\t0\tother\tx',
      '127.0.0.1\tFALSE\t/\tTRUE\t0\tsecure\tx',
      '127.0.0.1\tFALSE\t/\tFALSE\t1000\texpired\tx',
      '127.0.0.2\tFALSE\t/\tFALSE\t0\telsewhere\tx',
      '#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\thttponly\th1',
      '',
    ].join('\n');
    await writeFile(join(dir, 'cookies.txt'), jar);
    const run = await accel([server.url, '-o', 'f.bin', '--load-cookies', 'cookies.txt'], dir).done;
    expect(run.code, run.stderr).toBe(0);
    const cookies = new Set(server.requests.map((r) => r.headers.cookie));
    expect([...cookies]).toEqual(['deep=d1; session=s1; httponly=h1']);
  });

  it("keeps the URL's own credentials from another host a redirect leads to, and gives that host its own cookies", async () => {
    const server = await serve(patternSource(MIB, 83));
    links = await createLinkServer(() => ({ redirect: server.url }), '127.0.0.2');
    await writeFile(join(dir, 'cookies.txt'), '127.0.0.1\tFALSE\t/\tFALSE\t0\tfiles\tyes\n');
    const run = await accel(
      [
        links.url('/file.bin'),
        '-o',
        'f.bin',
        '--cookie',
        'sid=42',
        '-H',
        'Authorization: Bearer t',
        '-H',
        'X-Any: y',
      ].concat(['--load-cookies', 'cookies.txt']),
      dir,
    ).done;
    expect(run.code, run.stderr).toBe(0);
    expect(links.requests.length).toBeGreaterThan(0);
    for (const r of server.requests) {
      expect(r.headers['x-any']).toBe('y');
      expect(r.headers.authorization).toBeUndefined();
      expect(r.headers.cookie).toBe('files=yes');
    }
  });

  it('refuses a malformed header, a reserved one and a broken cookies file before any request', async () => {
    const server = await serve(patternSource(MIB, 84));
    await writeFile(join(dir, 'bad.txt'), '127.0.0.1\tMAYBE\t/\tFALSE\t0\ta\tb\n');
    for (const [args, words] of [
      [['-H', 'NoColon'], '-H must be "Name: value"'],
      [['-H', 'Range: bytes=0-1'], '-H Range: the downloader sets it itself'],
      [['--load-cookies', 'bad.txt'], 'bad.txt line 1'],
      [['--load-cookies', 'missing.txt'], 'missing.txt'],
    ] as const) {
      const run = await accel([server.url, ...args], dir).done;
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(words);
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe('accel -i, -j, -d', () => {
  it('downloads every URL of the list one after another into -d DIR, and says which failed', async () => {
    const sources = [patternSource(2 * MIB, 85), patternSource(2 * MIB, 86)];
    const [a, b] = await Promise.all(
      sources.map((s, i) =>
        throttledServer(
          s,
          { bytesPerSecond: 4 * MIB },
          { contentDisposition: `attachment; filename="f${i}.bin"` },
        ),
      ),
    );
    if (!a || !b) throw new Error('no servers');
    servers.push(a, b);
    await writeFile(
      join(dir, 'list.txt'),
      `# files\n${a.url}\n\n${a.origin}/missing\n   out=ignored.bin\n${b.url}\n`,
    );
    const run = await accel(['-i', 'list.txt', '-d', 'out', '-n', '2'], dir).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('accel: [2/3] GET');
    expect(run.stderr).toContain('accel: 2 of 3 downloads saved');
    expect((await readdir(join(dir, 'out'))).sort()).toEqual(['f0.bin', 'f1.bin']);
    expect(await fileSha256(join(dir, 'out', 'f1.bin'))).toBe(await sha256Of(sources[1] ?? sources[0]!));
    // One after another: the second file's first request came after the first file's last one ended.
    const lastOfA = Math.max(...a.requests.map((r) => r.endedAtMs ?? Infinity));
    expect(Math.min(...b.requests.map((r) => r.startedAtMs))).toBeGreaterThan(lastOfA);
  });

  it('runs -j downloads at once, each under its own name even when the names collide', async () => {
    const sources = [patternSource(3 * MIB, 87), patternSource(3 * MIB, 88)];
    const [a, b] = await Promise.all(
      sources.map((s) =>
        throttledServer(
          s,
          { bytesPerSecond: 2 * MIB },
          { contentDisposition: 'attachment; filename="same.bin"' },
        ),
      ),
    );
    if (!a || !b) throw new Error('no servers');
    servers.push(a, b);
    await writeFile(join(dir, 'list.txt'), `${a.url}\n${b.url}\n`);
    const run = await accel(['-i', 'list.txt', '-j', '2', '-n', '2'], dir).done;
    expect(run.code, run.stderr).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['list.txt', 'same (1).bin', 'same.bin']);
    const shas = [
      await fileSha256(join(dir, 'same.bin')),
      await fileSha256(join(dir, 'same (1).bin')),
    ].sort();
    expect(shas).toEqual([await sha256Of(sources[0]!), await sha256Of(sources[1]!)].sort());
    // At once: each server's first request came before the other's last one ended.
    const first = (s: RangeServer) => Math.min(...s.requests.map((r) => r.startedAtMs));
    const last = (s: RangeServer) => Math.max(...s.requests.map((r) => r.endedAtMs ?? Infinity));
    expect(first(b)).toBeLessThan(last(a));
    expect(first(a)).toBeLessThan(last(b));
  });

  it('refuses -o with -i, and a list line that is not a URL', async () => {
    await writeFile(join(dir, 'list.txt'), 'http://127.0.0.1:9/a\nnot a url\n');
    const withOut = await accel(['-i', 'list.txt', '-o', 'x.bin'], dir).done;
    expect(withOut.code).toBe(2);
    expect(withOut.stderr).toContain('-o names one file');
    const bad = await accel(['-i', 'list.txt'], dir).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('list.txt line 2');
  });
});

describe('accel --max-tries and --timeout', () => {
  it('gives up after --max-tries attempts', async () => {
    const server = await serve(patternSource(MIB, 89), {
      retryAfter: { status: 503, retryAfterSeconds: 0, firstRequests: 100 },
    });
    const run = await accel([server.url, '-o', 'f.bin', '--max-tries', '2'], dir).done;
    expect(run.code).toBe(1);
    expect(server.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
    expect(run.stderr).toContain('503');
  });

  it('drops a request that gets no answer within --timeout, and retries it', async () => {
    const sockets = new Set<Socket>();
    let accepted = 0;
    silent = createServer((socket) => {
      accepted++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((r) => silent?.listen(0, '127.0.0.1', r));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const run = await accel(
      [`http://127.0.0.1:${port}/f.bin`, '-o', 'f.bin', '--timeout', '0.5', '--max-tries', '2'],
      dir,
    ).done;
    for (const socket of sockets) socket.destroy();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no response within 0.5 s');
    expect(accepted).toBe(2);
  });
});
