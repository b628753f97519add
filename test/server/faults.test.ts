import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  chunkedServer,
  connectionLimitServer,
  contentDispositionServer,
  dropAfterServer,
  expiringLinkServer,
  gzipServer,
  headNotAllowedServer,
  ignoreRangeServer,
  noValidatorsServer,
  patternSource,
  type RangeServer,
  redirectServer,
  replacedMidwayServer,
  retryAfterServer,
  sha256Of,
  shiftedRangeServer,
  shortRangeServer,
  weakEtagServer,
  wrongTotalServer,
} from './index';
import { rawRequest, sha256 } from './raw-request';

const KiB = 1024;
const source = patternSource(1024 * KiB + 5, 11);
const range = (header: string) => ({ headers: { range: header } });

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

describe('fault factories', () => {
  it('dropAfterServer cuts the first K GET bodies after afterBytes', () =>
    withServer(dropAfterServer(source, { afterBytes: 1000, firstRequests: 2 }), async (s) => {
      for (const header of ['bytes=0-', 'bytes=5000-9999']) {
        const cut = await rawRequest(s.url, range(header));
        expect(cut.complete).toBe(false);
        expect(cut.body).toHaveLength(1000);
      }
      const whole = await rawRequest(s.url);
      expect(whole.complete).toBe(true);
      expect(sha256(whole.body)).toBe(await sha256Of(source));
      expect(s.requests.map((r) => [r.bytesSent, r.aborted])).toEqual([
        [1000, true],
        [1000, true],
        [source.size, false],
      ]);
    }));

  it.each([503, 429] as const)('retryAfterServer answers the first K GETs %i with Retry-After', (status) =>
    withServer(retryAfterServer(source, { status, retryAfterSeconds: 2, firstRequests: 2 }), async (s) => {
      expect((await rawRequest(s.url, { method: 'HEAD' })).status).toBe(200); // HEAD is not counted
      for (let i = 0; i < 2; i++) {
        const refused = await rawRequest(s.url, range('bytes=0-9'));
        expect([refused.status, refused.headers['retry-after']]).toEqual([status, '2']);
      }
      expect((await rawRequest(s.url, range('bytes=0-9'))).status).toBe(206);
    }),
  );

  it('ignoreRangeServer answers 200 with the full body and no Accept-Ranges', () =>
    withServer(ignoreRangeServer(source), async (s) => {
      const res = await rawRequest(s.url, range('bytes=100-199'));
      expect(res.status).toBe(200);
      expect(res.headers['accept-ranges']).toBeUndefined();
      expect(sha256(res.body)).toBe(await sha256Of(source));
    }));

  it('shiftedRangeServer starts ranges not at 0 shiftBytes late', () =>
    withServer(shiftedRangeServer(source, { shiftBytes: 10 }), async (s) => {
      const shifted = await rawRequest(s.url, range('bytes=100-199'));
      expect(shifted.headers['content-range']).toBe(`bytes 110-209/${source.size}`);
      expect(shifted.body.equals(source.slice(110, 210))).toBe(true);
      const first = await rawRequest(s.url, range('bytes=0-99'));
      expect(first.headers['content-range']).toBe(`bytes 0-99/${source.size}`);
    }));

  it('shortRangeServer serves at most maxBytes with an honest Content-Range', () =>
    withServer(shortRangeServer(source, { maxBytes: 1000 }), async (s) => {
      const res = await rawRequest(s.url, range('bytes=500-9999'));
      expect(res.status).toBe(206);
      expect(res.headers['content-range']).toBe(`bytes 500-1499/${source.size}`);
      expect(res.body.equals(source.slice(500, 1500))).toBe(true);
    }));

  it('wrongTotalServer misreports the total on ranges not starting at 0', () =>
    withServer(wrongTotalServer(source, { total: 12345 }), async (s) => {
      expect((await rawRequest(s.url, range('bytes=0-9'))).headers['content-range']).toBe(
        `bytes 0-9/${source.size}`,
      );
      const res = await rawRequest(s.url, range('bytes=100-199'));
      expect(res.headers['content-range']).toBe('bytes 100-199/12345');
      expect(res.body.equals(source.slice(100, 200))).toBe(true);
    }));

  it('replacedMidwayServer swaps the file after K GETs and honours If-Range', async () => {
    const next = patternSource(source.size + 10, 12);
    await withServer(replacedMidwayServer(source, next, { afterRequests: 1 }), async (s) => {
      const probe = await rawRequest(s.url, range('bytes=0-'));
      const oldEtag = probe.headers.etag!;
      const oldDate = probe.headers['last-modified']!;
      const resumed = await rawRequest(s.url, { headers: { range: 'bytes=100-199', 'if-range': oldEtag } });
      expect(resumed.status).toBe(200);
      expect(resumed.headers.etag).not.toBe(oldEtag);
      expect(sha256(resumed.body)).toBe(await sha256Of(next));
      const byDate = await rawRequest(s.url, { headers: { range: 'bytes=0-9', 'if-range': oldDate } });
      expect(byDate.status).toBe(200);
      expect(byDate.headers['last-modified']).not.toBe(oldDate);
      const fresh = await rawRequest(s.url, { headers: { range: 'bytes=0-9', 'if-range': s.etag! } });
      expect(fresh.body.equals(next.slice(0, 10))).toBe(true);
    });
  });

  it('weakEtagServer sends only a weak ETag, which never satisfies If-Range', () =>
    withServer(weakEtagServer(source), async (s) => {
      const probe = await rawRequest(s.url, range('bytes=0-9'));
      expect(probe.headers.etag).toMatch(/^W\/"/);
      expect(probe.headers['last-modified']).toBeUndefined();
      const res = await rawRequest(s.url, {
        headers: { range: 'bytes=0-9', 'if-range': probe.headers.etag! },
      });
      expect(res.status).toBe(200);
    }));

  it('noValidatorsServer sends neither ETag nor Last-Modified but serves ranges', () =>
    withServer(noValidatorsServer(source), async (s) => {
      const res = await rawRequest(s.url, range('bytes=0-9'));
      expect(res.status).toBe(206);
      expect(res.headers.etag).toBeUndefined();
      expect(res.headers['last-modified']).toBeUndefined();
    }));

  it('gzipServer gzips 206 and 200 bodies whatever Accept-Encoding says', () =>
    withServer(gzipServer(source), async (s) => {
      const part = await rawRequest(s.url, {
        headers: { range: 'bytes=100-199', 'accept-encoding': 'identity' },
      });
      expect([part.status, part.headers['content-encoding'], part.headers['content-length']]).toEqual([
        206,
        'gzip',
        undefined,
      ]);
      expect(part.headers['content-range']).toBe(`bytes 100-199/${source.size}`);
      expect(gunzipSync(part.body).equals(source.slice(100, 200))).toBe(true);
      const whole = await rawRequest(s.url);
      expect(whole.headers['content-encoding']).toBe('gzip');
      expect(sha256(gunzipSync(whole.body))).toBe(await sha256Of(source));
    }));

  it('chunkedServer answers 200 chunked without length or ranges', () =>
    withServer(chunkedServer(source), async (s) => {
      const res = await rawRequest(s.url, range('bytes=100-199'));
      expect(res.status).toBe(200);
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(res.headers['content-length']).toBeUndefined();
      expect(res.headers['accept-ranges']).toBeUndefined();
      expect(sha256(res.body)).toBe(await sha256Of(source));
    }));

  it('headNotAllowedServer answers HEAD 405 and GET normally', () =>
    withServer(headNotAllowedServer(source), async (s) => {
      expect((await rawRequest(s.url, { method: 'HEAD' })).status).toBe(405);
      expect((await rawRequest(s.url, range('bytes=0-9'))).status).toBe(206);
    }));

  it('connectionLimitServer refuses GETs beyond the limit with 503 Retry-After: 1', () =>
    withServer(connectionLimitServer(source, { maxConcurrent: 2, bytesPerSecond: 128 * KiB }), async (s) => {
      // 64 KiB at 128 KiB/s keeps each admitted request open for about 0.4 s while the others arrive.
      const headers = [0, 1, 2, 3].map((i) => `bytes=${i * 64 * KiB}-${(i + 1) * 64 * KiB - 1}`);
      const all = await Promise.all(headers.map((header) => rawRequest(s.url, range(header))));
      expect(all.map((r) => r.status).sort()).toEqual([206, 206, 503, 503]);
      expect(all.find((r) => r.status === 503)?.headers['retry-after']).toBe('1');
      expect(s.maxConcurrent).toBe(2);
      expect((await rawRequest(s.url, range('bytes=0-9'))).status).toBe(206); // slots free again
    }));

  it('redirectServer answers 302 to the target and counts the redirects', async () => {
    await withServer(noValidatorsServer(source), (target) =>
      withServer(redirectServer(target), async (s) => {
        expect(s.port).not.toBe(target.port);
        const res = await rawRequest(s.url, { method: 'HEAD' });
        expect([res.status, res.headers.location]).toEqual([302, target.url]);
        const followed = await fetch(s.url, { headers: { range: 'bytes=0-9' } });
        expect([followed.status, followed.url]).toEqual([206, target.url]);
        expect(Buffer.from(await followed.arrayBuffer()).equals(source.slice(0, 10))).toBe(true);
        expect(s.requests.map((r) => [r.method, r.status])).toEqual([
          ['HEAD', 302],
          ['GET', 302],
        ]);
        expect(target.requests).toHaveLength(1);
      }),
    );
  });

  it('expiringLinkServer redirects to a new signature each time; a signature answers 403 after its GETs', () =>
    withServer(expiringLinkServer(source, 2), async (s) => {
      const first = await rawRequest(s.url, range('bytes=0-9'));
      expect([first.status, first.headers.location]).toEqual([302, '/file.bin?sig=1']);
      const signed = `${s.url}?sig=1`;
      expect((await rawRequest(signed, range('bytes=0-9'))).status).toBe(206);
      expect((await rawRequest(signed, range('bytes=10-19'))).status).toBe(206);
      expect((await rawRequest(signed, range('bytes=20-29'))).status).toBe(403);
      expect((await rawRequest(s.url, range('bytes=0-9'))).headers.location).toBe('/file.bin?sig=2');
      expect((await rawRequest(`${s.url}?sig=2`, range('bytes=20-29'))).status).toBe(206);
      expect(s.requests.map((r) => r.search)).toEqual(['', '?sig=1', '?sig=1', '?sig=1', '', '?sig=2']);
    }));

  it('contentDispositionServer sends the given header', () =>
    withServer(
      contentDispositionServer(source, "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"),
      async (s) => {
        const res = await rawRequest(s.url, range('bytes=0-9'));
        expect(res.headers['content-disposition']).toBe("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");
      },
    ));
});
