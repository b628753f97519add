import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  bufferSource,
  correctServer,
  patternSource,
  type RangeServer,
  sha256Of,
  throttledServer,
} from './index';
import { rawRequest, sha256 } from './raw-request';

const KiB = 1024;
const MiB = 1024 * KiB;
const source = patternSource(3 * MiB + 123, 7);

async function withServer(
  server: Promise<RangeServer>,
  run: (s: RangeServer) => Promise<void>,
): Promise<void> {
  const s = await server;
  try {
    await run(s);
  } finally {
    await s.close();
  }
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadlineMs = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadlineMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('sources', () => {
  it('patternSource is a pure function of offset and seed', async () => {
    const again = patternSource(source.size, 7);
    const whole = source.slice(0, source.size);
    // Slices that straddle 64 KiB blocks must agree with the whole.
    expect(again.slice(65_530, 200_000).equals(whole.subarray(65_530, 200_000))).toBe(true);
    expect(patternSource(source.size, 8).slice(0, 64).equals(whole.subarray(0, 64))).toBe(false);
    expect(whole.subarray(0, 64 * KiB).equals(whole.subarray(64 * KiB, 128 * KiB))).toBe(false);
    expect(await sha256Of(source)).toBe(sha256(whole));
    expect(await sha256Of(bufferSource(whole))).toBe(sha256(whole));
  });

  it('tags name the content, so default ETags of different files never collide', () => {
    expect(bufferSource(Buffer.from('ab')).tag).not.toBe(bufferSource(Buffer.from('ba')).tag);
    expect(bufferSource(Buffer.from('ab')).tag).toBe(bufferSource(Buffer.from('ab')).tag);
    expect(patternSource(10, 1).tag).not.toBe(patternSource(10, 2).tag);
  });

  it('patternSource serves offsets past 4 GiB without holding the file', () => {
    const huge = patternSource(5 * 1024 * MiB, 1);
    const near = 4 * 1024 * MiB + 17;
    expect(huge.slice(near, near + 100).equals(patternSource(huge.size, 1).slice(near, near + 100))).toBe(
      true,
    );
    expect(huge.slice(near, near + 100).equals(huge.slice(near - 64 * KiB, near - 64 * KiB + 100))).toBe(
      false,
    );
  });
});

describe('correct range server', () => {
  it('answers 200 with the whole file, validators and Accept-Ranges', () =>
    withServer(correctServer(source), async (s) => {
      const res = await rawRequest(s.url);
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe(String(source.size));
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.headers.etag).toBe(`"v1-p7-${source.size}"`);
      expect(res.headers['last-modified']).toBe('Wed, 01 Jan 2025 00:00:00 GMT');
      expect(sha256(res.body)).toBe(await sha256Of(source));
      expect(s.requests).toHaveLength(1);
      expect(s.requests[0]).toMatchObject({
        method: 'GET',
        status: 200,
        bytesSent: source.size,
        aborted: false,
      });
      expect(s.bytesSent).toBe(source.size);
    }));

  it.each([
    ['bytes=100-199', 100, 199],
    ['bytes=3145000-', 3145000, source.size - 1],
    ['bytes=-500', source.size - 500, source.size - 1],
    ['bytes=10-99999999', 10, source.size - 1],
    ['bytes=5-9, 20-29', 5, 9],
  ])('serves %s as one 206', (range, start, end) =>
    withServer(correctServer(source), async (s) => {
      const res = await rawRequest(s.url, { headers: { range } });
      expect(res.status).toBe(206);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${source.size}`);
      expect(res.headers['content-length']).toBe(String(end - start + 1));
      expect(res.body.equals(source.slice(start, end + 1))).toBe(true);
    }),
  );

  it('answers 416 with bytes */total when the range starts past the end', () =>
    withServer(correctServer(source), async (s) => {
      for (const range of [`bytes=${source.size}-`, 'bytes=-0']) {
        const res = await rawRequest(s.url, { headers: { range } });
        expect(res.status).toBe(416);
        expect(res.headers['content-range']).toBe(`bytes */${source.size}`);
      }
    }));

  it('ignores malformed Range headers with a 200', () =>
    withServer(correctServer(source), async (s) => {
      for (const range of ['bytes=9-5', 'items=0-5', 'bytes=abc']) {
        expect((await rawRequest(s.url, { headers: { range } })).status).toBe(200);
      }
    }));

  it('honours If-Range only for the current strong ETag or exact date', () =>
    withServer(correctServer(source), async (s) => {
      const ranged = (ifRange: string) =>
        rawRequest(s.url, { headers: { range: 'bytes=0-9', 'if-range': ifRange } });
      expect((await ranged(s.etag!)).status).toBe(206);
      expect((await ranged(s.lastModified!)).status).toBe(206);
      expect((await ranged(`W/${s.etag}`)).status).toBe(200);
      expect((await ranged('"other"')).status).toBe(200);
      expect((await ranged('Thu, 02 Jan 2025 00:00:00 GMT')).status).toBe(200);
      const oldEtag = s.etag!;
      s.setSource(patternSource(source.size, 99));
      expect(s.etag).toBe(`"v2-p99-${source.size}"`);
      const stale = await ranged(oldEtag);
      expect(stale.status).toBe(200);
      expect(sha256(stale.body)).toBe(await sha256Of(s.source));
    }));

  it('answers HEAD with GET headers and no body, unknown paths 404, other methods 405', () =>
    withServer(correctServer(source), async (s) => {
      const head = await rawRequest(s.url, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe(String(source.size));
      expect(head.body).toHaveLength(0);
      expect((await rawRequest(`${s.origin}/other.bin`)).status).toBe(404);
      const post = await rawRequest(s.url, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe('GET, HEAD');
      expect(s.bytesSent).toBe(0);
      expect(s.requests.map((r) => r.status)).toEqual([200, 404, 405]);
    }));

  it('counts connections, concurrent GETs and resets the counters', () =>
    withServer(throttledServer(source, { bytesPerSecond: 256 * KiB }), async (s) => {
      const ranges = ['bytes=0-65535', 'bytes=65536-131071', 'bytes=131072-196607'];
      const all = await Promise.all(ranges.map((range) => rawRequest(s.url, { headers: { range } })));
      expect(all.map((r) => r.status)).toEqual([206, 206, 206]);
      expect(s.maxConcurrent).toBe(3);
      expect(s.connections).toBe(3);
      expect(s.bytesSent).toBe(3 * 64 * KiB);
      expect(new Set(s.requests.map((r) => r.connectionId)).size).toBe(3);
      s.reset();
      expect([s.requests.length, s.bytesSent, s.maxConcurrent, s.connections]).toEqual([0, 0, 0, 0]);
    }));

  it('records a client abort without crashing', () =>
    withServer(throttledServer(source, { bytesPerSecond: 256 * KiB }), async (s) => {
      await new Promise<void>((resolve) => {
        const req = request(s.url, { agent: false }, (res) => res.once('data', () => req.destroy()));
        req
          .on('error', () => undefined)
          .on('close', resolve)
          .end();
      });
      await until(() => s.requests[0]?.endedAtMs !== null);
      expect(s.requests[0]?.aborted).toBe(true);
      expect(s.requests[0]?.bytesSent).toBeLessThan(source.size);
      expect((await rawRequest(s.url, { headers: { range: 'bytes=0-99' } })).status).toBe(206);
    }));

  it('close() ends mid-body and idle keep-alive connections at once', async () => {
    const s = await throttledServer(source, { bytesPerSecond: 64 * KiB });
    const streaming = rawRequest(s.url);
    const idle = await fetch(s.url, { headers: { range: 'bytes=0-9' } });
    await idle.arrayBuffer();
    await until(() => s.bytesSent > 10);
    const startedMs = performance.now();
    await s.close();
    expect(performance.now() - startedMs).toBeLessThan(1000);
    expect((await streaming).complete).toBe(false);
    await s.close(); // idempotent
  });
});
