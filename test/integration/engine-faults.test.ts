import { describe, expect, it } from 'vitest';
import { MIB, runEngine } from '../helpers/run-engine';
import { gets, useServers } from '../helpers/served';
import {
  bufferSource,
  chunkedServer,
  connectionLimitServer,
  contentDispositionServer,
  correctServer,
  dropAfterServer,
  gzipServer,
  headNotAllowedServer,
  ignoreRangeServer,
  noValidatorsServer,
  patternSource,
  redirectServer,
  replacedMidwayServer,
  retryAfterServer,
  sha256Of,
  shiftedRangeServer,
  shortRangeServer,
  throttledServer,
  unevenServer,
  weakEtagServer,
  wrongTotalServer,
} from '../server';

const { serve } = useServers();

describe('engine against a correct server', () => {
  it('downloads in parallel ranges with If-Range after the probe', async () => {
    const source = patternSource(8 * MIB, 7);
    const server = await serve(throttledServer(source, { bytesPerSecond: 4 * MIB }));
    const run = await runEngine(server.url, { maxConnections: 4 });
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(server.maxConcurrent).toBeGreaterThanOrEqual(4);
    expect(gets(server).length).toBeLessThanOrEqual(16);
    const [probe, ...rest] = gets(server);
    expect(probe?.range).toBe('bytes=0-');
    expect(probe?.ifRange).toBeNull();
    for (const r of rest) expect(r.ifRange).toBe(run.result?.remote.etag);
    expect(run.result?.remote.filename).toBe('file.bin');
  });

  it('delivers an empty file', async () => {
    const server = await serve(correctServer(bufferSource(Buffer.alloc(0))));
    const run = await runEngine(server.url);
    expect(run.error).toBeNull();
    expect(run.sink.finished).toBe(true);
    expect(run.sink.data.byteLength).toBe(0);
    expect(gets(server).length).toBe(1);
  });

  it('reports a 404 as a job error without retrying', async () => {
    const server = await serve(correctServer(patternSource(MIB), { path: '/elsewhere' }));
    const run = await runEngine(server.url.replace('/elsewhere', '/missing'));
    expect(run.error).toMatchObject({ name: 'HttpStatusError', code: 'HTTP_STATUS', status: 404 });
    expect(gets(server).length).toBe(1);
  });
});

describe('engine against faulty servers', () => {
  it('finishes on uneven connections without waiting on the slowest', async () => {
    const source = patternSource(8 * MIB, 3);
    const server = await serve(unevenServer(source, { rates: [4 * MIB, 4 * MIB, 128 * 1024, 4 * MIB] }));
    const run = await runEngine(server.url, { maxConnections: 4 });
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(gets(server).length).toBeLessThanOrEqual(40);
  });

  it('retries ranges whose connection drops, bounded', async () => {
    const source = patternSource(4 * MIB, 5);
    const server = await serve(dropAfterServer(source, { afterBytes: 100_000, firstRequests: 3 }));
    const run = await runEngine(server.url, { maxConnections: 2 });
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(run.notices.some((n) => n.type === 'retrying')).toBe(true);
    expect(gets(server).length).toBeLessThanOrEqual(12);
  });

  it.each([503, 429] as const)('honours %i with Retry-After and lowers connections', async (status) => {
    const source = patternSource(4 * MIB, 9);
    const server = await serve(
      retryAfterServer(
        source,
        { status, retryAfterSeconds: 1, firstRequests: 3 },
        { bytesPerSecond: 8 * MIB },
      ),
    );
    const started = Date.now();
    const run = await runEngine(server.url, { maxConnections: 4 });
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(gets(server).length).toBeLessThanOrEqual(12);
  });

  it('gives up on a server that keeps failing, after bounded attempts', async () => {
    const server = await serve(
      retryAfterServer(patternSource(MIB), { status: 503, retryAfterSeconds: 0, firstRequests: 1000 }),
    );
    const run = await runEngine(server.url, { retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 } });
    expect(run.error).toMatchObject({ code: 'HTTP_STATUS', status: 503 });
    expect(gets(server).length).toBe(3);
  });

  it('falls back to one stream when Range is ignored, using the probe body', async () => {
    const source = patternSource(3 * MIB, 11);
    const server = await serve(ignoreRangeServer(source));
    const run = await runEngine(server.url);
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(run.notices).toContainEqual(expect.objectContaining({ type: 'single-stream' }));
    expect(gets(server).length).toBe(1);
  });

  it('never writes a shifted range; finishes on one stream', async () => {
    const source = patternSource(4 * MIB, 12);
    const server = await serve(shiftedRangeServer(source, { shiftBytes: 1000 }, { bytesPerSecond: 8 * MIB }));
    const run = await runEngine(server.url);
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(run.notices).toContainEqual(expect.objectContaining({ type: 'single-stream' }));
    expect(gets(server).length).toBeLessThanOrEqual(8);
  });

  it('re-queues the rest of a short (but honest) range answer', async () => {
    const source = patternSource(4 * MIB, 13);
    const server = await serve(shortRangeServer(source, { maxBytes: 512 * 1024 }));
    const run = await runEngine(server.url);
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(gets(server).length).toBeLessThanOrEqual(4 * 2 + 8);
  });

  it('treats a contradicting Content-Range total as a broken server, not a spliced file', async () => {
    const source = patternSource(4 * MIB, 14);
    const server = await serve(wrongTotalServer(source, { total: 5 * MIB }, { bytesPerSecond: 8 * MIB }));
    const run = await runEngine(server.url);
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(gets(server).length).toBeLessThanOrEqual(8);
  });

  it('restarts cleanly when the file is replaced mid-download', async () => {
    const oldSource = patternSource(4 * MIB, 15);
    const newSource = patternSource(4 * MIB, 16);
    const server = await serve(
      replacedMidwayServer(oldSource, newSource, { afterRequests: 1 }, { bytesPerSecond: 4 * MIB }),
    );
    const run = await runEngine(server.url);
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(newSource));
    expect(run.sink.resets).toBeGreaterThanOrEqual(1);
    expect(run.notices).toContainEqual({ type: 'restarted', reason: 'changed' });
    expect(gets(server).length).toBeLessThanOrEqual(16);
  });

  it.each([
    ['weak ETag only', weakEtagServer],
    ['no validators', noValidatorsServer],
  ])('never sends If-Range with %s', async (_label, factory) => {
    const source = patternSource(4 * MIB, 17);
    const server = await serve(factory(source, { bytesPerSecond: 8 * MIB }));
    const run = await runEngine(server.url);
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(gets(server).length).toBeGreaterThan(1);
    for (const r of gets(server)) expect(r.ifRange).toBeNull();
  });

  it('refuses gzip-encoded ranges and delivers the decoded file on one stream', async () => {
    const source = patternSource(2 * MIB, 18);
    const server = await serve(gzipServer(source));
    const run = await runEngine(server.url);
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(run.notices).toContainEqual(expect.objectContaining({ type: 'single-stream' }));
    expect(gets(server).length).toBe(2);
  });

  it('streams a chunked body of unknown length', async () => {
    const source = patternSource(3 * MIB + 17, 19);
    const server = await serve(chunkedServer(source));
    const run = await runEngine(server.url);
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(run.result?.remote.size).toBe(source.size);
    expect(gets(server).length).toBe(1);
  });

  it('never depends on HEAD', async () => {
    const source = patternSource(2 * MIB, 20);
    const server = await serve(headNotAllowedServer(source));
    const run = await runEngine(server.url);
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(server.requests.filter((r) => r.method === 'HEAD')).toHaveLength(0);
  });

  it('settles under a server connection limit without a request storm', async () => {
    const source = patternSource(8 * MIB, 21);
    const server = await serve(connectionLimitServer(source, { maxConcurrent: 2, bytesPerSecond: 4 * MIB }));
    const run = await runEngine(server.url, { maxConnections: 6 });
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(run.notices).toContainEqual(expect.objectContaining({ type: 'connections-lowered' }));
    expect(gets(server).length).toBeLessThanOrEqual(16);
  });

  it('fetches segments from the redirect target', async () => {
    const source = patternSource(4 * MIB, 22);
    const target = await serve(throttledServer(source, { bytesPerSecond: 8 * MIB }));
    const front = await serve(redirectServer(target));
    const run = await runEngine(front.url);
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(run.result?.remote.finalUrl).toBe(target.url);
    expect(gets(front).length).toBe(1);
    expect(gets(target).length).toBeGreaterThan(1);
  });

  it.each([
    [
      `attachment; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.pdf; filename="fallback.pdf"`,
      'naïve résumé.pdf',
    ],
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['attachment; filename="report.txt"', 'report.txt'],
    ['inline', 'file.bin'],
  ])('names the file from Content-Disposition %s', async (header, expected) => {
    const source = patternSource(64 * 1024, 23);
    const server = await serve(contentDispositionServer(source, header));
    const run = await runEngine(server.url);
    expect(run.error).toBeNull();
    expect(run.result?.remote.filename).toBe(expected);
    expect(run.sink.sha256()).toBe(await sha256Of(source));
  });
});
