import { afterEach, describe, expect, it } from 'vitest';
import { patternSource } from './index';
import { sha256 } from './raw-request';
import {
  cookieSite,
  expiringRedirectSite,
  formPostSite,
  otherFileSite,
  plainSite,
  rangedRedirectSite,
  refererSite,
  requestsTo,
  type Site,
  silentRangesSite,
  singleUseSite,
} from './sites/index';

const KiB = 1024;
const small = (seed: number) => ({ source: patternSource(300 * KiB + 7, seed) });
const open: Site[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((site) => site.close()));
});

async function started<S extends Site>(site: Promise<S>): Promise<S> {
  const s = await site;
  open.push(s);
  return s;
}

async function bodyHash(response: Response): Promise<string> {
  return sha256(Buffer.from(await response.arrayBuffer()));
}

const range = (spec: string, headers: Record<string, string> = {}) => ({
  headers: { range: spec, ...headers },
});

describe('formPostSite', () => {
  it('posts a form for the file and refuses a GET of it', async () => {
    const site = await started(formPostSite(small(1)));
    const page = await (await fetch(site.pageUrl)).text();
    expect(page).toContain('<form method="post" action="/file.bin">');
    expect((await fetch(site.fileUrl)).status).toBe(405);
    expect((await fetch(site.fileUrl, range('bytes=0-0'))).status).toBe(405);
    const posted = await fetch(site.fileUrl, { method: 'POST', body: new URLSearchParams({ report: 'q1' }) });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('content-disposition')).toBe('attachment; filename="form-post.bin"');
    expect(await bodyHash(posted)).toBe(site.sha256);
    expect(requestsTo(site.requests, '/file.bin').map((r) => [r.method, r.status])).toEqual([
      ['GET', 405],
      ['GET', 405],
      ['POST', 200],
    ]);
  });
});

describe('singleUseSite', () => {
  it('serves its link once, then answers 410 to every request, ranged or not', async () => {
    const site = await started(singleUseSite(small(2)));
    expect(await (await fetch(site.pageUrl)).text()).toContain(new URL(site.fileUrl).search);
    const first = await fetch(site.fileUrl);
    expect(first.status).toBe(200);
    expect(await bodyHash(first)).toBe(site.sha256);
    expect((await fetch(site.fileUrl)).status).toBe(410);
    expect((await fetch(site.fileUrl, range('bytes=0-0'))).status).toBe(410);
    expect(requestsTo(site.requests, '/once.bin').map((r) => r.status)).toEqual([200, 410, 410]);
  });

  it('can answer 403 instead', async () => {
    const site = await started(singleUseSite({ ...small(3), goneStatus: 403 }));
    expect((await fetch(site.fileUrl, range('bytes=0-0'))).status).toBe(206);
    expect((await fetch(site.fileUrl)).status).toBe(403);
  });
});

describe('cookieSite', () => {
  it("serves the file and its ranges only with the page's cookie", async () => {
    const site = await started(cookieSite(small(4)));
    const page = await fetch(site.pageUrl);
    expect(page.headers.get('set-cookie')).toContain(`${site.cookie}; Path=/`);
    expect((await fetch(site.fileUrl)).status).toBe(403);
    expect((await fetch(site.fileUrl, range('bytes=0-0', { cookie: 'session=other' }))).status).toBe(403);
    const whole = await fetch(site.fileUrl, { headers: { cookie: `theme=dark; ${site.cookie}` } });
    expect(await bodyHash(whole)).toBe(site.sha256);
    const part = await fetch(site.fileUrl, range('bytes=10-19', { cookie: site.cookie }));
    expect([part.status, part.headers.get('content-range')]).toEqual([206, `bytes 10-19/${site.sizeBytes}`]);
    expect(requestsTo(site.requests, '/file.bin').map((r) => [r.status, r.headers.cookie ?? null])).toEqual([
      [403, null],
      [403, 'session=other'],
      [200, `theme=dark; ${site.cookie}`],
      [206, site.cookie],
    ]);
  });
});

describe('refererSite', () => {
  it('from the same origin, serves the file only with the full page URL as Referer', async () => {
    const site = await started(refererSite(small(5)));
    expect(new URL(site.pageUrl).origin).toBe(new URL(site.fileUrl).origin);
    expect(site.referer).toBe(site.pageUrl);
    expect(site.pageUrl).toContain('?from=');
    expect(await (await fetch(site.pageUrl)).text()).toContain(`href="${site.fileUrl}"`);
    expect((await fetch(site.fileUrl)).status).toBe(403);
    const origin = `${new URL(site.pageUrl).origin}/`;
    expect((await fetch(site.fileUrl, { headers: { referer: origin } })).status).toBe(403);
    const part = await fetch(site.fileUrl, range('bytes=0-0', { referer: site.pageUrl }));
    expect(part.status).toBe(206);
  });

  it('from another origin (another port), serves the file only with that origin as Referer', async () => {
    const site = await started(refererSite({ ...small(6), crossOrigin: true }));
    const pageOrigin = new URL(site.pageUrl).origin;
    expect(pageOrigin).not.toBe(new URL(site.fileUrl).origin);
    expect(site.referer).toBe(`${pageOrigin}/`);
    expect(await (await fetch(site.pageUrl)).text()).toContain(`href="${site.fileUrl}"`);
    expect(site.pageRequests.map((r) => r.path)).toEqual(['/page']);
    expect((await fetch(site.fileUrl, { headers: { referer: site.pageUrl } })).status).toBe(403);
    const whole = await fetch(site.fileUrl, { headers: { referer: site.referer } });
    expect(await bodyHash(whole)).toBe(site.sha256);
    expect(site.requests.map((r) => r.status)).toEqual([403, 200]);
  });
});

describe('expiringRedirectSite', () => {
  it('redirects the link to a signed URL that works until it expires, then afresh', async () => {
    const site = await started(
      expiringRedirectSite({ ...small(7), validMs: 300, bytesPerSecond: 64 * 1024 * KiB }),
    );
    const redirect = await fetch(site.fileUrl, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const signed = new URL(redirect.headers.get('location') ?? '', site.fileUrl).href;
    expect(signed).toMatch(/\/file\?sig=1&exp=\d+$/);
    expect((await fetch(signed, range('bytes=0-0'))).status).toBe(206);
    const forged = signed.replace(/exp=\d+/, `exp=${Date.now() + 60_000}`);
    expect((await fetch(forged, range('bytes=0-0'))).status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, site.validMs + 20));
    expect((await fetch(signed, range('bytes=0-0'))).status).toBe(403);
    const again = await fetch(site.fileUrl);
    expect(again.url).toMatch(/\/file\?sig=2&/);
    expect(await bodyHash(again)).toBe(site.sha256);
  });

  it('stops issuing signed URLs while the link is dead, the ones issued keeping their expiry', async () => {
    const site = await started(
      expiringRedirectSite({ ...small(10), validMs: 300, bytesPerSecond: 64 * 1024 * KiB }),
    );
    const first = await fetch(site.fileUrl, { redirect: 'manual' });
    const signed = new URL(first.headers.get('location') ?? '', site.fileUrl).href;
    site.setLinkAlive(false);
    expect((await fetch(site.fileUrl, { redirect: 'manual' })).status).toBe(410);
    expect((await fetch(site.fileUrl, range('bytes=0-0'))).status).toBe(410);
    // Issued before the link died: served until it expires.
    expect(await bodyHash(await fetch(signed))).toBe(site.sha256);
    await new Promise((resolve) => setTimeout(resolve, site.validMs + 20));
    expect((await fetch(signed, range('bytes=0-0'))).status).toBe(403);
    site.setLinkAlive(true);
    const again = await fetch(site.fileUrl);
    expect(again.url).toMatch(/\/file\?sig=2&/);
    expect(await bodyHash(again)).toBe(site.sha256);
    const link = requestsTo(site.requests, '/file').filter((r) => r.search === '');
    expect(link.map((r) => r.status)).toEqual([302, 410, 410, 302]);
  });

  it('paces every connection', async () => {
    const site = await started(expiringRedirectSite({ ...small(8), bytesPerSecond: 512 * KiB }));
    const startedMs = performance.now();
    const part = await fetch(site.fileUrl, range(`bytes=0-${128 * KiB - 1}`));
    expect((await part.arrayBuffer()).byteLength).toBe(128 * KiB);
    expect(performance.now() - startedMs).toBeGreaterThan(180); // 250 ms at the rate, less one write's credit
  });
});

describe('rangedRedirectSite', () => {
  it('serves the file to a plain GET and redirects ranged requests to another file on 127.0.0.2', async () => {
    const site = await started(rangedRedirectSite(small(9)));
    expect(await bodyHash(await fetch(site.fileUrl))).toBe(site.sha256);
    const redirect = await fetch(site.fileUrl, { ...range('bytes=0-0'), redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, site.otherUrl]);
    expect(new URL(site.otherUrl).hostname).toBe('127.0.0.2');
    expect(site.otherRequests).toHaveLength(0);
    const other = await fetch(site.fileUrl, range('bytes=0-0'));
    expect(other.headers.get('content-range')).toBe(`bytes 0-0/${site.otherSizeBytes}`);
    expect(other.headers.get('content-disposition')).toContain('elsewhere.bin');
    expect(site.otherSizeBytes).not.toBe(site.sizeBytes);
    expect(site.otherRequests.map((r) => [r.range, r.status])).toEqual([['bytes=0-0', 206]]);
  });
});

describe('otherFileSite', () => {
  it('serves the file to a plain GET and ranges of another file, with another size and ETag', async () => {
    const site = await started(otherFileSite(small(10)));
    const whole = await fetch(site.fileUrl);
    const etag = whole.headers.get('etag');
    expect(await bodyHash(whole)).toBe(site.sha256);
    const part = await fetch(site.fileUrl, range('bytes=0-0'));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-0/${site.otherSizeBytes}`);
    expect(part.headers.get('etag')).not.toBe(etag);
  });

  it('with sameSize, serves ranges of another file of the same size, told apart by its ETag only', async () => {
    const site = await started(otherFileSite({ ...small(12), sameSize: true }));
    const whole = await fetch(site.fileUrl);
    const etag = whole.headers.get('etag');
    expect(await bodyHash(whole)).toBe(site.sha256);
    const part = await fetch(site.fileUrl, range('bytes=0-'));
    expect(part.headers.get('content-range')).toBe(`bytes 0-${site.sizeBytes - 1}/${site.sizeBytes}`);
    expect(part.headers.get('etag')).not.toBe(etag);
    expect(await bodyHash(part)).not.toBe(site.sha256);
  });
});

describe('silentRangesSite', () => {
  it('serves a plain GET and never answers a ranged request', async () => {
    const site = await started(silentRangesSite(small(13)));
    expect(await bodyHash(await fetch(site.fileUrl))).toBe(site.sha256);
    const silent = fetch(site.fileUrl, { ...range('bytes=0-0'), signal: AbortSignal.timeout(300) });
    await expect(silent).rejects.toThrow(/abort|timeout/i);
    await expect.poll(() => site.requests.at(-1)?.aborted).toBe(true);
    expect(site.requests.map((r) => [r.range, r.status])).toEqual([
      [null, 200],
      ['bytes=0-0', 0],
    ]);
  });
});

describe('plainSite', () => {
  it('is a correct range server behind a page', async () => {
    const site = await started(plainSite(small(11)));
    expect(await (await fetch(site.pageUrl)).text()).toContain('href="/file.bin"');
    const whole = await fetch(site.fileUrl);
    const etag = whole.headers.get('etag') ?? '';
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(await bodyHash(whole)).toBe(site.sha256);
    const part = await fetch(site.fileUrl, range('bytes=5-', { 'if-range': etag }));
    expect([part.status, Number(part.headers.get('content-length'))]).toEqual([206, site.sizeBytes - 5]);
    expect((await fetch(site.fileUrl, range('bytes=5-', { 'if-range': '"stale"' }))).status).toBe(200);
    expect((await fetch(site.fileUrl, range(`bytes=${site.sizeBytes}-`))).status).toBe(416);
  });
});
