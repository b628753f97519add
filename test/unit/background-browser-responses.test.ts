import { describe, expect, it, vi } from 'vitest';
import { ResponseLog } from '../../src/background/browser-responses';
import { ManualClock } from '../helpers/manual-clock';

/** The browser's own responses, as webRequest reports them: what the take-over compares its probe with. */

const file = 'https://cdn.example/a.iso';
const headers = (pairs: Record<string, string>) =>
  Object.entries(pairs).map(([name, value]) => ({ name, value }));

describe('the log of the browser’s responses', () => {
  it('keeps the validators of a file’s response, whatever the header names’ case', () => {
    const log = new ResponseLog();
    log.record({
      url: file,
      statusCode: 200,
      responseHeaders: headers({ ETag: '"v1"', 'Last-Modified': 'Tue, 01 Dec 2026 10:00:00 GMT' }),
    });
    expect(log.find(file)).toEqual({ etag: '"v1"', lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT' });
    expect(log.find('https://cdn.example/other.iso')).toBeNull();
  });

  it('ignores redirects, errors and responses without validators', () => {
    const log = new ResponseLog();
    log.record({ url: file, statusCode: 302, responseHeaders: headers({ etag: '"r"' }) });
    log.record({ url: `${file}?e`, statusCode: 404, responseHeaders: headers({ etag: '"e"' }) });
    log.record({ url: `${file}?n`, statusCode: 200, responseHeaders: headers({ 'content-type': 'x/y' }) });
    expect([log.find(file), log.find(`${file}?e`), log.find(`${file}?n`)]).toEqual([null, null, null]);
  });

  it('notes the size a 200 declared without a content coding (Firefox’s onCreated has none)', () => {
    const log = new ResponseLog();
    log.record({ url: file, statusCode: 200, responseHeaders: headers({ 'Content-Length': '67108864' }) });
    const gz = `${file}?gz`;
    log.record({
      url: gz,
      statusCode: 200,
      responseHeaders: headers({ 'content-length': '100', 'content-encoding': 'gzip', etag: '"g"' }),
    });
    const part = `${file}?part`;
    log.record({ url: part, statusCode: 206, responseHeaders: headers({ 'content-length': '10' }) });
    const bad = `${file}?bad`;
    log.record({ url: bad, statusCode: 200, responseHeaders: headers({ 'content-length': '1e3' }) });
    expect([log.size(file), log.size(gz), log.size(part), log.size(bad)]).toEqual([
      67108864,
      null,
      null,
      null,
    ]);
    expect(log.find(file)).toEqual({ etag: null, lastModified: null });
  });

  it('waits a little for the headers of a download announced before them', async () => {
    const log = new ResponseLog();
    const later = `${file}?later`;
    setTimeout(
      () => log.record({ url: later, statusCode: 200, responseHeaders: headers({ 'content-length': '5' }) }),
      30,
    );
    expect(await log.sizeOf(['https://cdn.example/none', later], 2_000)).toBe(5);
    expect(await log.sizeOf(['https://cdn.example/none'], 50)).toBeNull();
  });

  it('answers the moment the awaited response is noted, not on a polling tick', async () => {
    vi.useFakeTimers();
    try {
      const log = new ResponseLog();
      const later = `${file}?soon`;
      let size: number | null | undefined;
      void log.sizeOf([later], 1_000).then((s) => {
        size = s;
      });
      log.record({
        url: `${file}?other`,
        statusCode: 200,
        responseHeaders: headers({ 'content-length': '9' }),
      });
      await vi.advanceTimersByTimeAsync(1);
      expect(size).toBeUndefined(); // another URL's response does not answer
      log.record({ url: later, statusCode: 200, responseHeaders: headers({ 'content-length': '7' }) });
      await vi.advanceTimersByTimeAsync(0); // the promise's own steps, no time
      expect(size).toBe(7);
      expect(vi.getTimerCount()).toBe(0); // its timeout cleared
    } finally {
      vi.useRealTimers();
    }
  });

  it('forgets a response after a minute', async () => {
    const clock = new ManualClock();
    const log = new ResponseLog(() => clock.now());
    log.record({ url: file, statusCode: 206, responseHeaders: headers({ etag: '"v1"' }) });
    await clock.advance(60_000, 60_000);
    expect(log.find(file)?.etag).toBe('"v1"');
    await clock.advance(1);
    expect(log.find(file)).toBeNull();
  });

  it('keeps only the last 32 responses, the latest one of a URL winning', () => {
    const log = new ResponseLog();
    for (let i = 0; i < 40; i++)
      log.record({ url: `${file}?${i}`, statusCode: 200, responseHeaders: headers({ etag: `"${i}"` }) });
    log.record({ url: `${file}?39`, statusCode: 200, responseHeaders: headers({ etag: '"new"' }) });
    expect(log.find(`${file}?7`)).toBeNull();
    expect(log.find(`${file}?8`)?.etag).toBe('"8"');
    expect(log.find(`${file}?39`)?.etag).toBe('"new"');
  });
});
