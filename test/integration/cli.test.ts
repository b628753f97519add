import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLinkServer, type LinkServer } from '../helpers/link-server';
import { MIB } from '../helpers/run-engine';
import { correctServer, patternSource, type RangeServer, sha256Of, throttledServer } from '../server';

const BIN = join(import.meta.dirname, '../../bin/accel.js');
let dir = '';
let server: RangeServer | null = null;
let links: LinkServer | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'accel-cli-'));
});
afterEach(async () => {
  await server?.close();
  await links?.close();
  server = null;
  links = null;
  await rm(dir, { recursive: true, force: true });
});

function accel(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string; stdout: string }>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  const done = new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr, stdout })),
  );
  return { child, done };
}

async function fileSha(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

interface Record {
  done: { start: number; end: number }[];
}

/** Waits until the resume record lists at least `bytes`, then kills the process with SIGKILL. */
async function killAfter(child: ChildProcess, recordPath: string, bytes: number): Promise<Record> {
  for (let i = 0; i < 400; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const text = await readFile(recordPath, 'utf8').catch(() => null);
    if (!text) continue;
    const record = JSON.parse(text) as Record;
    const have = record.done.reduce((n, r) => n + r.end - r.start + 1, 0);
    if (have >= bytes) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('close', r));
      // The record may have been rewritten between our read and the kill: read the final one.
      return JSON.parse(await readFile(recordPath, 'utf8')) as Record;
    }
  }
  throw new Error('the download never got far enough');
}

function requestedRange(header: string | null, size: number): { start: number; end: number } {
  const match = /^bytes=(\d+)-(\d*)$/.exec(header ?? '');
  if (!match) throw new Error(`unexpected Range ${header}`);
  return { start: Number(match[1]), end: match[2] ? Number(match[2]) : size - 1 };
}

describe('accel CLI', () => {
  it('resumes after kill -9, requesting only missing ranges with If-Range', async () => {
    const source = patternSource(16 * MIB, 31);
    server = await throttledServer(source, { bytesPerSecond: MIB });
    const out = join(dir, 'out.bin');
    const first = accel([server.url, '-n', '4', '-o', out, '--quiet']);
    const record = await killAfter(first.child, `${out}.part.json`, 4 * MIB);
    expect(existsSync(out)).toBe(false);
    server.reset();

    const second = await accel([server.url, '-n', '4', '-o', out]).done;
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('resuming');
    expect(await fileSha(out)).toBe(await sha256Of(source));
    expect(await readdir(dir)).toEqual(['out.bin']);
    const gets = server.requests.filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThan(0);
    for (const request of gets) {
      expect(request.ifRange).toBe(server.etag);
      const asked = requestedRange(request.range, source.size);
      for (const have of record.done) {
        const overlaps = asked.start <= have.end && have.start <= asked.end;
        expect(overlaps, `${request.range} overlaps stored ${have.start}-${have.end}`).toBe(false);
      }
    }
  });

  it('starts over, and says so, when the file changed between runs', async () => {
    const source = patternSource(16 * MIB, 32);
    const changed = patternSource(16 * MIB, 33);
    server = await throttledServer(source, { bytesPerSecond: MIB });
    const out = join(dir, 'out.bin');
    const first = accel([server.url, '-n', '4', '-o', out, '--quiet']);
    await killAfter(first.child, `${out}.part.json`, 2 * MIB);
    server.setSource(changed);
    const second = await accel([server.url, '-n', '4', '-o', out]).done;
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('changed on the server');
    expect(await fileSha(out)).toBe(await sha256Of(changed));
  });

  it('names the file from the server and prints plain progress lines when not a terminal', async () => {
    const source = patternSource(2 * MIB, 34);
    server = await correctServer(source, { contentDisposition: 'attachment; filename="report.pdf"' });
    const run = await accel([server.url]).done;
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/saved .*report\.pdf/);
    expect(await fileSha(join(dir, 'report.pdf'))).toBe(await sha256Of(source));
  });

  it('fails with one line and leaves no file at the output path', async () => {
    server = await correctServer(patternSource(MIB, 35));
    const out = join(dir, 'missing.bin');
    const run = await accel([`${server.origin}/nope`, '-o', out]).done;
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('404');
    expect(existsSync(out)).toBe(false);
  });

  it('holds the download to --limit-rate and reports what it did', async () => {
    const source = patternSource(3 * MIB, 37);
    server = await correctServer(source);
    const out = join(dir, 'limited.bin');
    const started = performance.now();
    const run = await accel([server.url, '-o', out, '--limit-rate', '1M']).done;
    const seconds = (performance.now() - started) / 1000;
    expect(run.code).toBe(0);
    expect(await fileSha(out)).toBe(await sha256Of(source));
    // 3 MiB at 1 MiB/s: not under ~2.7 s (a burst of 0.1 s and the probe's first read are allowed).
    expect(seconds).toBeGreaterThan(2.7);
    expect(run.stderr).toMatch(/\d+ requests, up to \d+ connections/);
  });

  it('rejects a malformed --limit-rate', async () => {
    const run = await accel(['http://127.0.0.1:9/x', '--limit-rate', 'fast']).done;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--limit-rate');
  });

  it('rejects bad arguments with usage', async () => {
    const run = await accel(['ftp://example.invalid/x', '-n', '0']).done;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage:');
  });

  it('lands a single-use link exactly over the one stream that works', async () => {
    const source = patternSource(8 * MIB, 38);
    server = await correctServer(source, { singleUse: { status: 403 }, bytesPerSecond: 16 * MIB });
    const out = join(dir, 'once.bin');
    const run = await accel([server.url, '-n', '4', '-o', out]).done;
    expect(run.code).toBe(0);
    expect(await fileSha(out)).toBe(await sha256Of(source));
    const gets = server.requests.filter((r) => r.method === 'GET');
    // The first request carried the whole file; every one after it was refused.
    expect(gets[0]?.status).toBe(206);
    expect(gets.length).toBeGreaterThanOrEqual(2);
    expect(gets.slice(1).every((r) => r.status === 403)).toBe(true);
    expect(run.stderr).toContain('server answered 403: using 1 connection(s)');
  });

  it('says so when the link expired and the site gave no fresh one, keeping what it has for a rerun', async () => {
    const source = patternSource(6 * MIB, 39);
    server = await correctServer(source, { maxRangeBytes: 512 * 1024, bytesPerSecond: 8 * MIB });
    const files = server;
    let renewed = false;
    links = await createLinkServer((path, index) => {
      if (path === '/file.bin') return index === 0 || renewed ? { redirect: '/r/1' } : { status: 403 };
      return renewed || index < 4 ? { pass: files.url } : { status: 403 };
    });
    const out = join(dir, 'expired.bin');
    const first = await accel([links.url('/file.bin'), '-n', '2', '-o', out]).done;
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('accel: the link expired and the site gave no fresh one');
    expect(first.stderr).toContain('run the same command again to resume');
    expect(existsSync(`${out}.part.json`)).toBe(true);

    renewed = true;
    const second = await accel([links.url('/file.bin'), '-n', '2', '-o', out]).done;
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('resuming');
    expect(await fileSha(out)).toBe(await sha256Of(source));
  });

  it('probes as JSON', async () => {
    server = await correctServer(patternSource(3 * MIB, 36));
    const run = await accel(['probe', server.url, '--json']).done;
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      url: server.url,
      finalUrl: server.url,
      size: 3 * MIB,
      acceptRanges: true,
      etag: server.etag,
      lastModified: server.lastModified,
      filename: 'file.bin',
      mime: 'application/octet-stream',
      sha256: null,
    });
  });
});
