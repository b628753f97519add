import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareProbe, PROBE_BYTES, probeBrowserFile, readRate } from '../../src/background/browser-match';

/** The take-over probe: only a 206 of the browser's file from the URL it resolved is the same file. */

const file = { url: 'https://cdn.example/a.iso', sizeBytes: 1000, mime: 'application/x-iso9660-image' };

function answer(status: number, headers: Record<string, string> = {}, redirected = false) {
  return { status, headers: new Headers(headers), ...(redirected ? { redirect: { location: null } } : {}) };
}

const partial = { 'content-range': 'bytes 0-0/1000', 'content-type': 'application/x-iso9660-image' };

describe('comparing the probe with the browser’s download', () => {
  it('takes a 206 of the same size and type', () => {
    expect(compareProbe(file, answer(206, partial))).toEqual({ same: true });
    // A generic type on either side says nothing against it.
    expect(compareProbe(file, answer(206, { 'content-range': 'bytes 0-0/1000' }))).toEqual({ same: true });
    const octet = { ...partial, 'content-type': 'application/octet-stream' };
    expect(compareProbe(file, answer(206, octet))).toEqual({ same: true });
    expect(
      compareProbe({ ...file, mime: '' }, answer(206, { ...partial, 'content-type': 'text/html' })),
    ).toEqual({
      same: true,
    });
  });

  it.each<[string, ReturnType<typeof answer>, RegExp]>([
    ['a redirect (opaque, as the browser shows it)', answer(0, {}, true), /elsewhere/],
    ['a redirect (as Node shows it)', answer(302, { location: 'http://127.0.0.2/x' }, true), /elsewhere/],
    ['a 200 (no ranges)', answer(200), /byte ranges/],
    ['a refusal', answer(405), /HTTP 405/],
    ['a gone single-use link', answer(410), /HTTP 410/],
    [
      'another size',
      answer(206, { ...partial, 'content-range': 'bytes 0-0/999' }),
      /another file \(999 bytes/,
    ],
    ['another type', answer(206, { ...partial, 'content-type': 'text/html' }), /another type/],
    ['a compressed answer', answer(206, { ...partial, 'content-encoding': 'gzip' }), /compresses/],
    [
      'a range that does not start at 0',
      answer(206, { ...partial, 'content-range': 'bytes 5-5/1000' }),
      /malformed/,
    ],
    ['no Content-Range', answer(206, { 'content-type': 'application/x-iso9660-image' }), /malformed/],
    ['an unknown total', answer(206, { ...partial, 'content-range': 'bytes 0-0/*' }), /malformed/],
  ])('leaves it to the browser on %s', (_name, probe, reason) => {
    const match = compareProbe(file, probe);
    expect(match.same).toBe(false);
    expect(match.same ? '' : match.reason).toMatch(reason);
  });
});

describe('comparing the probe with the browser’s own response', () => {
  const withEtag = { ...file, validators: { etag: '"v1"', lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT' } };

  it('takes the same ETag and Last-Modified, or a probe that carries none of them', () => {
    const same = { ...partial, etag: '"v1"', 'last-modified': 'Tue, 01 Dec 2026 10:00:00 GMT' };
    expect(compareProbe(withEtag, answer(206, same))).toEqual({ same: true });
    expect(compareProbe(withEtag, answer(206, partial))).toEqual({ same: true });
    // Weak and strong forms of one tag name the same version.
    expect(compareProbe(withEtag, answer(206, { ...partial, etag: 'W/"v1"' }))).toEqual({ same: true });
  });

  it.each<[string, Record<string, string>]>([
    ['another ETag', { etag: '"v2"' }],
    ['another Last-Modified', { 'last-modified': 'Wed, 02 Dec 2026 10:00:00 GMT' }],
  ])('leaves it to the browser on %s of the same size', (_name, headers) => {
    const match = compareProbe(withEtag, answer(206, { ...partial, ...headers }));
    expect(match).toEqual({ same: false, reason: expect.stringMatching(/another version/) });
  });
});

describe('the probe request', () => {
  let server: Server;
  let origin: string;
  const seen: { url: string; range: string | undefined }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', range: req.headers.range });
      if (req.url === '/moved') {
        res.writeHead(302, { location: '/file' }).end();
      } else if (req.url === '/slow') {
        setTimeout(() => res.writeHead(206, { 'content-range': 'bytes 0-0/1000' }).end('x'), 2_000);
      } else {
        res.writeHead(206, { 'content-range': 'bytes 0-0/1000' }).end('x');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('asks for the file’s start and finds the same file', async () => {
    expect(await probeBrowserFile({ ...file, url: `${origin}/file` })).toEqual({
      same: true,
      bytesPerSecond: expect.any(Number),
    });
    expect(seen.at(-1)).toEqual({ url: '/file', range: `bytes=0-${PROBE_BYTES - 1}` });
  });

  it('asks for one byte when the connection need not be timed', async () => {
    expect(await probeBrowserFile({ ...file, url: `${origin}/file` }, { time: false })).toEqual({
      same: true,
    });
    expect(seen.at(-1)).toEqual({ url: '/file', range: 'bytes=0-0' });
  });

  it('never follows a redirect', async () => {
    const before = seen.length;
    const match = await probeBrowserFile({ ...file, url: `${origin}/moved` });
    expect(match.same).toBe(false);
    expect(seen.slice(before).map((r) => r.url)).toEqual(['/moved']);
  });

  it('gives up within its bound', async () => {
    const match = await probeBrowserFile({ ...file, url: `${origin}/slow` }, { timeoutMs: 200 });
    expect(match).toEqual({ same: false, reason: 'the site did not answer the accelerator in time' });
  });
});

/** A body whose chunks arrive at the given times (ms on a fake clock), with the given sizes. */
function timedBody(
  chunks: [atMs: number, bytes: number][],
  clock: { ms: number },
): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks[i++];
      if (chunk === undefined) return controller.close();
      clock.ms = chunk[0];
      controller.enqueue(new Uint8Array(chunk[1]));
    },
  });
}

describe('timing one connection from the probe’s body', () => {
  const MIB = 1024 * 1024;

  it('times what comes after the first burst', async () => {
    const clock = { ms: 0 };
    // 8 MiB at once (a rate limiter's first second), then 1 MiB every 100 ms: 10 MiB/s kept.
    const chunks: [number, number][] = [
      [0, 8 * MIB],
      [1, MIB],
      [150, MIB],
      [250, MIB],
      [350, MIB],
    ];
    const rate = await readRate(timedBody(chunks, clock), 10_000, 50, () => clock.ms);
    // After the first 50 ms: 3 MiB over 300 ms.
    expect(rate).toBeCloseTo((3 * MIB) / 0.3, -3);
  });

  it('counts a body that ends within its burst at its whole rate', async () => {
    const clock = { ms: 0 };
    const chunks: [number, number][] = [
      [5, 8 * MIB],
      [10, 8 * MIB],
      [20, 8 * MIB],
    ];
    const rate = await readRate(timedBody(chunks, clock), 10_000, 50, () => clock.ms);
    expect(rate).toBeCloseTo((24 * MIB) / 0.02, -3);
  });

  it('stops as soon as the connection is slow for certain, and reads a fast one to the end', async () => {
    const clock = { ms: 0 };
    // 80 KiB every 10 ms: 8 MiB/s, an eighth of FAST_SINGLE_CONNECTION.
    const slow: [number, number][] = Array.from({ length: 100 }, (_, k) => [k * 10, 80 * 1024]);
    let slowPulls = 0;
    const counted = timedBody(slow, clock).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          slowPulls++;
          controller.enqueue(chunk);
        },
      }),
    );
    const rate = await readRate(counted, 10_000, 50, () => clock.ms);
    // Stopped 20-40 ms into the body (two slow reads in a row), not at its end (990 ms), at about its rate.
    expect(clock.ms).toBeGreaterThanOrEqual(20);
    expect(clock.ms).toBeLessThanOrEqual(40);
    expect(slowPulls).toBeLessThanOrEqual(5);
    expect(rate).toBeGreaterThan(4 * MIB);
    expect(rate).toBeLessThan(16 * MIB);
    // 800 KiB every 10 ms (80 MiB/s): read for the whole window.
    const fast: [number, number][] = Array.from({ length: 100 }, (_, k) => [k * 10, 800 * 1024]);
    clock.ms = 0;
    expect(await readRate(timedBody(fast, clock), 10_000, 50, () => clock.ms)).toBeCloseTo(
      800 * 1024 * 100,
      -5,
    );
    expect(clock.ms).toBe(990);
  });

  it('does not judge a fast body slow on bytes it has not read yet (buffered while the worker was busy)', async () => {
    const clock = { ms: 0 };
    // 64 KiB at once, then nothing read for 35 ms, then 16 MiB already buffered (read at the same instant),
    // then 64 KiB every millisecond: fast.
    const chunks: [number, number][] = [
      [0, 64 * 1024],
      [35, 64 * 1024],
      ...Array.from({ length: 256 }, (): [number, number] => [35, 64 * 1024]),
      ...Array.from({ length: 100 }, (_, k): [number, number] => [36 + k, 64 * 1024]),
    ];
    const rate = await readRate(timedBody(chunks, clock), 10_000, 50, () => clock.ms);
    expect(rate).toBeGreaterThan(16 * MIB);
  });

  it('stops reading at the end of its window', async () => {
    let pulls = 0;
    const endless = new ReadableStream<Uint8Array>({
      async pull(controller) {
        pulls++;
        await new Promise((r) => setTimeout(r, 10));
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const started = performance.now();
    expect(await readRate(endless, 100, 20)).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(pulls).toBeGreaterThan(1);
  });
});
