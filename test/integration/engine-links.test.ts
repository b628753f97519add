import { afterEach, describe, expect, it } from 'vitest';
import { LinkExpiredError, UrlNotAllowedError } from '../../src/engine/errors';
import { createLinkServer, type LinkAnswer, type LinkServer } from '../helpers/link-server';
import { MemorySink, PieceMemorySink } from '../helpers/memory-sink';
import { MIB, runEngine } from '../helpers/run-engine';
import { gets, useServers } from '../helpers/served';
import {
  correctServer,
  expiringLinkServer,
  type FileSource,
  noValidatorsServer,
  patternSource,
  type RangeServer,
  sha256Of,
} from '../server';

/**
 * Links that stop working while the download runs: signed redirects that expire, a resolved URL that redirects
 * elsewhere, a link that cannot be renewed, a renewal that leads to another file, and the URLs allowUrl refuses.
 */

const { serve } = useServers();

describe('a redirect target that starts answering 403 mid-download', () => {
  for (const mode of ['stream', 'pieces'] as const) {
    it(`continues from the original URL and lands the exact file (${mode})`, async () => {
      const source = patternSource(8 * MIB, 61);
      // Each signed URL serves 3 GETs (the probe's among them); then it answers 403 as an expired link does.
      const server = await serve(expiringLinkServer(source, 3, { bytesPerSecond: 4 * MIB }));
      const sink = mode === 'pieces' ? new PieceMemorySink(null, MIB) : new MemorySink(null, MIB);
      const run = await runEngine(server.url, { maxConnections: 4, ramp: false, sink });
      expect(run.error).toBeNull();
      expect(sink.sha256()).toBe(await sha256Of(source));
      const all = gets(server);
      const refused = all.filter((r) => r.status === 403);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      // Every refusal was followed by a request to the original URL, which redirected to a fresh signature.
      const redirects = all.filter((r) => r.status === 302);
      expect(redirects.length).toBeGreaterThan(1);
      expect(new Set(all.map((r) => r.search)).size).toBeGreaterThan(2);
      // Every ranged request after the probe carried If-Range: no byte of another version could be spliced in.
      for (const r of all.filter((r) => r.search !== '' && r.status === 206).slice(1)) {
        expect(r.ifRange).toBe(server.etag);
      }
      expect(run.notices.some((n) => n.type === 'retrying' && n.error.includes('403'))).toBe(true);
    });
  }

  it('lands the exact file when each signed link serves one request only', async () => {
    const source = patternSource(4 * MIB, 62);
    // A signature serves its redirect's GET only: every range after the first refusal comes through a fresh one.
    const server = await serve(expiringLinkServer(source, 1, { bytesPerSecond: 4 * MIB }));
    const sink = new PieceMemorySink(null, MIB);
    const run = await runEngine(server.url, { maxConnections: 2, ramp: false, sink });
    expect(run.error).toBeNull();
    expect(sink.sha256()).toBe(await sha256Of(source));
    const served = gets(server).filter((r) => r.status === 206);
    // No signature served twice.
    expect(new Set(served.map((r) => r.search)).size).toBe(served.length);
  });
});

/** The bytes the sink holds for its done ranges are the source's, range by range (never another file's). */
function holdsOnly(sink: MemorySink, source: FileSource): boolean {
  return sink.done.every(
    (r) => Buffer.compare(sink.data.subarray(r.start, r.end + 1), source.slice(r.start, r.end + 1)) === 0,
  );
}

const storedBytes = (sink: MemorySink) => sink.done.reduce((n, r) => n + r.end - r.start + 1, 0);

/**
 * A site whose link (`/file.bin`) first resolves to `/r/1`, which serves `validGets` requests and then answers
 * `afterwards`; asked again, the link answers `renewal()` (by default a redirect to `/r/2`, which passes on to
 * `fresh`, else to `files`).
 */
async function site(o: {
  files: RangeServer;
  validGets: number;
  afterwards: LinkAnswer;
  renewal?: () => LinkAnswer;
  fresh?: RangeServer;
}): Promise<LinkServer> {
  const links = await createLinkServer((path, index) => {
    if (path === '/file.bin')
      return index === 0 ? { redirect: '/r/1' } : (o.renewal?.() ?? { redirect: '/r/2' });
    if (path === '/r/1') return index < o.validGets ? { pass: o.files.url } : o.afterwards;
    if (path === '/r/2') return { pass: (o.fresh ?? o.files).url };
    return { status: 404 };
  });
  linkServers.push(links);
  return links;
}

const linkServers: LinkServer[] = [];
afterEach(async () => {
  await Promise.all(linkServers.splice(0).map((s) => s.close()));
});

/** Short answers (at most 512 KiB each) make many requests, so the link can stop answering mid-way. */
const shortAnswers = { maxRangeBytes: 512 * 1024, bytesPerSecond: 8 * MIB };

const sinkFor = (mode: 'stream' | 'pieces') =>
  mode === 'pieces' ? new PieceMemorySink(null, MIB) : new MemorySink(null, MIB);

describe('a request to the resolved URL that is redirected elsewhere', () => {
  for (const mode of ['stream', 'pieces'] as const) {
    it(`is never followed: the link is renewed from the original URL (${mode})`, async () => {
      const source = patternSource(6 * MIB, 71);
      const files = await serve(correctServer(source, shortAnswers));
      const elsewhere = await createLinkServer(() => ({ pass: files.url }), '127.0.0.2');
      linkServers.push(elsewhere);
      const links = await site({ files, validGets: 3, afterwards: { redirect: elsewhere.url('/file.bin') } });
      const sink = sinkFor(mode);
      const run = await runEngine(links.url('/file.bin'), { maxConnections: 3, ramp: false, sink });
      expect(run.error).toBeNull();
      expect(sink.sha256()).toBe(await sha256Of(source));
      // Not one request reached the other host.
      expect(elsewhere.requests).toHaveLength(0);
      const redirected = links.to('/r/1').filter((r) => r.status === 302);
      expect(redirected.length).toBeGreaterThanOrEqual(1);
      // Each redirect not followed led to one renewal at most; the rest came from the renewed URL.
      const renewals = links.to('/file.bin').length - 1;
      expect(renewals).toBeGreaterThanOrEqual(1);
      expect(renewals).toBeLessThanOrEqual(redirected.length);
      expect(links.to('/r/2').length).toBeGreaterThan(renewals);
      expect(run.notices.some((n) => n.type === 'retrying' && n.error.includes('redirected to'))).toBe(true);
    });
  }

  it('a resolved URL given with its original is probed without following, and renewed when it refuses', async () => {
    const source = patternSource(2 * MIB, 72);
    const files = await serve(correctServer(source));
    // The resolved URL expired before the download began; the link resolves afresh to /r/2.
    const links = await createLinkServer((path) => {
      if (path === '/file.bin') return { redirect: '/r/2' };
      return path === '/r/2' ? { pass: files.url } : { status: 403 };
    });
    linkServers.push(links);
    const run = await runEngine(links.url('/r/1'), {
      originalUrl: links.url('/file.bin'),
      maxConnections: 2,
      ramp: false,
    });
    expect(run.error).toBeNull();
    expect(run.sink.sha256()).toBe(await sha256Of(source));
    expect(links.to('/r/1').map((r) => r.status)).toEqual([403]);
    expect(links.to('/file.bin').map((r) => r.status)).toEqual([302]);
    expect(run.result?.remote.url).toBe(links.url('/file.bin'));
  });
});

describe('a link that cannot be renewed', () => {
  it('stops with LinkExpiredError keeping every piece; a later run resumes with only the missing bytes', async () => {
    const source = patternSource(6 * MIB, 73);
    const files = await serve(correctServer(source, shortAnswers));
    let renewed = false;
    const links = await site({
      files,
      validGets: 4,
      afterwards: { status: 403 },
      renewal: () => (renewed ? { redirect: '/r/2' } : { status: 403 }),
    });
    const first = await runEngine(links.url('/file.bin'), { maxConnections: 2, ramp: false });
    expect(first.error).toBeInstanceOf(LinkExpiredError);
    expect((first.error as LinkExpiredError).code).toBe('LINK_EXPIRED');
    expect((first.error as Error).message).toContain('the link expired and the site gave no fresh one');
    // The four answers /r/1 gave are stored, and were never cleared.
    expect(first.sink.resets).toBe(0);
    expect(storedBytes(first.sink)).toBeGreaterThanOrEqual(4 * 512 * 1024);
    expect(storedBytes(first.sink)).toBeLessThan(source.size);
    expect(holdsOnly(first.sink, source)).toBe(true);
    // Each connection asked the original once more, then stopped: a renewal is not tried forever.
    expect(links.to('/file.bin').length).toBeLessThanOrEqual(1 + 2);

    renewed = true;
    files.reset();
    const stored = first.sink.done.map((r) => ({ ...r }));
    const second = await runEngine(links.url('/file.bin'), { sink: MemorySink.resumeFrom(first.sink) });
    expect(second.error).toBeNull();
    expect(second.sink.sha256()).toBe(await sha256Of(source));
    expect(second.notices).toContainEqual({ type: 'resumed', doneBytes: storedBytes(first.sink) });
    for (const r of gets(files)) {
      const [, from, to] = /^bytes=(\d+)-(\d*)$/.exec(r.range ?? '') ?? [];
      const asked = { start: Number(from), end: to ? Number(to) : source.size - 1 };
      for (const have of stored) expect(asked.start > have.end || asked.end < have.start).toBe(true);
    }
  });

  for (const [name, fresh] of [
    ['another ETag (same size)', patternSource(6 * MIB, 74)],
    ['another size', patternSource(5 * MIB, 73)],
  ] as const) {
    it(`stops with LinkExpiredError when the renewed link serves ${name}: nothing is spliced`, async () => {
      const source = patternSource(6 * MIB, 73);
      const files = await serve(correctServer(source, shortAnswers));
      const other = await serve(correctServer(fresh));
      const links = await site({ files, validGets: 4, afterwards: { status: 403 }, fresh: other });
      const run = await runEngine(links.url('/file.bin'), { maxConnections: 2, ramp: false });
      expect(run.error).toBeInstanceOf(LinkExpiredError);
      expect((run.error as Error).message).toContain('it leads to another file');
      expect(run.sink.resets).toBe(0);
      expect(holdsOnly(run.sink, source)).toBe(true);
      // The other file was asked for (the renewal), never stored from.
      expect(gets(other).length).toBeGreaterThanOrEqual(1);
      expect(gets(other).length).toBeLessThanOrEqual(2);
      expect(storedBytes(run.sink)).toBeLessThanOrEqual(gets(files).length * 512 * 1024);
    });
  }

  it('stops with LinkExpiredError without asking again when no validator could prove a renewal', async () => {
    const source = patternSource(6 * MIB, 75);
    const files = await serve(noValidatorsServer(source, shortAnswers));
    const links = await site({ files, validGets: 4, afterwards: { status: 403 } });
    const run = await runEngine(links.url('/file.bin'), { maxConnections: 2, ramp: false });
    expect(run.error).toBeInstanceOf(LinkExpiredError);
    expect((run.error as Error).message).toContain('no ETag or Last-Modified');
    expect(links.to('/file.bin')).toHaveLength(1);
    expect(run.sink.resets).toBe(0);
    expect(storedBytes(run.sink)).toBeGreaterThan(0);
  });
});

describe('allowUrl', () => {
  it('a renewed URL it refuses stops the download, its bytes unused and the stored ones kept', async () => {
    const source = patternSource(6 * MIB, 76);
    const files = await serve(correctServer(source, shortAnswers));
    const links = await site({ files, validGets: 4, afterwards: { status: 403 } });
    const run = await runEngine(links.url('/file.bin'), {
      maxConnections: 2,
      ramp: false,
      allowUrl: (url) => !url.includes('/r/2'),
    });
    expect(run.error).toBeInstanceOf(UrlNotAllowedError);
    expect((run.error as UrlNotAllowedError).code).toBe('URL_NOT_ALLOWED');
    expect((run.error as UrlNotAllowedError).url).toBe(links.url('/r/2'));
    expect(run.sink.resets).toBe(0);
    // The stop cut answers of /r/1 still arriving: what they had delivered stays.
    expect(storedBytes(run.sink)).toBeGreaterThan(0);
    expect(holdsOnly(run.sink, source)).toBe(true);
    expect(storedBytes(run.sink)).toBeLessThanOrEqual(
      gets(files).filter((r) => r.status === 206).length * 512 * 1024,
    );
    expect(links.to('/r/2').length).toBeLessThanOrEqual(2);
  });

  it('a URL it refuses is never asked', async () => {
    const files = await serve(correctServer(patternSource(MIB, 77)));
    const run = await runEngine(files.url, { allowUrl: () => false });
    expect(run.error).toBeInstanceOf(UrlNotAllowedError);
    expect(files.requests).toHaveLength(0);
  });
});
