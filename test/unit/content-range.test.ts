import { describe, expect, it } from 'vitest';
import { checkRangeResponse, parseContentRange } from '../../src/engine/content-range';
import { ContentEncodingError, ContentRangeError, ResourceChangedError } from '../../src/engine/errors';
import type { ByteRange } from '../../src/engine/types';

const GiB = 1024 ** 3;
const MAX = Number.MAX_SAFE_INTEGER;

describe('parseContentRange', () => {
  it.each<[string, string | null, ReturnType<typeof parseContentRange>]>([
    ['full range', 'bytes 0-99/100', { start: 0, end: 99, total: 100 }],
    ['middle', 'bytes 100-199/1000', { start: 100, end: 199, total: 1000 }],
    ['one byte', 'bytes 5-5/6', { start: 5, end: 5, total: 6 }],
    ['unknown total', 'bytes 0-99/*', { start: 0, end: 99, total: null }],
    ['upper-case unit', 'BYTES 0-99/100', { start: 0, end: 99, total: 100 }],
    ['mixed-case unit', 'Bytes 0-0/1', { start: 0, end: 0, total: 1 }],
    ['surrounding whitespace', '  bytes 0-99/100 ', { start: 0, end: 99, total: 100 }],
    ['several spaces after the unit', 'bytes   0-99/100', { start: 0, end: 99, total: 100 }],
    ['tab after the unit', 'bytes\t0-99/100', { start: 0, end: 99, total: 100 }],
    ['leading zeros', 'bytes 000-099/0100', { start: 0, end: 99, total: 100 }],
    [
      'beyond 4 GiB',
      `bytes ${5 * GiB}-${6 * GiB - 1}/${8 * GiB}`,
      { start: 5 * GiB, end: 6 * GiB - 1, total: 8 * GiB },
    ],
    [
      'at 2^32 exactly',
      'bytes 4294967296-4294967296/4294967297',
      { start: 2 ** 32, end: 2 ** 32, total: 2 ** 32 + 1 },
    ],
    ['largest safe total', `bytes 0-${MAX - 1}/${MAX}`, { start: 0, end: MAX - 1, total: MAX }],
    ['unsatisfied', 'bytes */1000', { unsatisfied: true, total: 1000 }],
    ['unsatisfied, empty file', 'bytes */0', { unsatisfied: true, total: 0 }],
    ['unsatisfied beyond 4 GiB', `bytes */${5 * GiB}`, { unsatisfied: true, total: 5 * GiB }],
    ['unsatisfied, upper case', 'BYTES */7', { unsatisfied: true, total: 7 }],
    ['null', null, null],
    ['empty', '', null],
    ['garbage', 'hello', null],
    ['other unit', 'items 0-9/10', null],
    ['no space after unit', 'bytes0-99/100', null],
    ['equals sign (a Range header, not Content-Range)', 'bytes=0-99/100', null],
    ['no total', 'bytes 0-99', null],
    ['no end', 'bytes 0-/100', null],
    ['no start', 'bytes -99/100', null],
    ['negative start', 'bytes -1-99/100', null],
    ['start after end', 'bytes 100-99/1000', null],
    ['end equals total', 'bytes 0-100/100', null],
    ['end past total', 'bytes 0-200/100', null],
    ['zero total with a range', 'bytes 0-0/0', null],
    ['decimal', 'bytes 0.5-99/100', null],
    ['exponent', 'bytes 0-1e2/1e3', null],
    ['hex', 'bytes 0x0-0x10/0x100', null],
    ['plus sign', 'bytes +0-99/100', null],
    ['spaces inside', 'bytes 0 - 99 / 100', null],
    ['trailing junk', 'bytes 0-99/100x', null],
    ['two ranges', 'bytes 0-9/100, 20-29/100', null],
    ['star for the range and a range', 'bytes */100-200', null],
    ['unsatisfied without total', 'bytes */*', null],
    ['unicode digits', 'bytes ０-９/１００', null],
    ['total beyond safe integers', `bytes 0-99/${MAX + 2}`, null],
    ['end beyond safe integers', `bytes 0-${MAX + 2}/*`, null],
    ['start beyond safe integers', `bytes ${'9'.repeat(20)}-${'9'.repeat(21)}/*`, null],
    ['unsatisfied total beyond safe integers', `bytes */${'9'.repeat(400)}`, null],
  ])('%s', (_, header, expected) => {
    expect(parseContentRange(header)).toEqual(expected);
  });
});

describe('checkRangeResponse', () => {
  const base = {
    url: 'https://example.com/f.bin',
    requested: { start: 100, end: 199 } as ByteRange,
    contentRange: 'bytes 100-199/1000' as string | null,
    contentEncoding: null as string | null,
    etag: '"v1"' as string | null,
    expectedTotal: 1000,
    expectedEtag: '"v1"' as string | null,
  };

  it.each<[string, Partial<typeof base>, number]>([
    ['exact answer', {}, 199],
    ['short answer', { contentRange: 'bytes 100-149/1000' }, 149],
    ['one byte of a larger request', { contentRange: 'bytes 100-100/1000' }, 100],
    ['identity encoding', { contentEncoding: 'identity' }, 199],
    ['identity, any case and spacing', { contentEncoding: ' Identity ' }, 199],
    ['empty encoding header', { contentEncoding: '' }, 199],
    ['no ETag in the response', { etag: null }, 199],
    ['no ETag recorded', { expectedEtag: null, etag: '"other"' }, 199],
    [
      'last range of the file',
      { requested: { start: 900, end: 999 }, contentRange: 'bytes 900-999/1000' },
      999,
    ],
    [
      'beyond 4 GiB',
      {
        requested: { start: 5 * GiB, end: 5 * GiB + 1023 },
        contentRange: `bytes ${5 * GiB}-${5 * GiB + 1023}/${6 * GiB}`,
        expectedTotal: 6 * GiB,
      },
      5 * GiB + 1023,
    ],
  ])('accepts: %s', (_, overrides, end) => {
    expect(checkRangeResponse({ ...base, ...overrides })).toEqual({ end });
  });

  it.each<[string, Partial<typeof base>, new (...args: never[]) => Error, RegExp]>([
    ['gzip', { contentEncoding: 'gzip' }, ContentEncodingError, /gzip-encoded/],
    ['br', { contentEncoding: 'br' }, ContentEncodingError, /br-encoded/],
    [
      'identity beside another coding',
      { contentEncoding: 'identity, gzip' },
      ContentEncodingError,
      /encoded/,
    ],
    [
      'encoding wins over a bad range',
      { contentEncoding: 'gzip', contentRange: null },
      ContentEncodingError,
      /gzip/,
    ],
    ['missing Content-Range', { contentRange: null }, ContentRangeError, /unusable Content-Range null/],
    ['garbage Content-Range', { contentRange: 'bytes nonsense' }, ContentRangeError, /unusable/],
    ['unsatisfied form in a 206', { contentRange: 'bytes */1000' }, ContentRangeError, /unusable/],
    ['unknown total', { contentRange: 'bytes 100-199/*' }, ContentRangeError, /does not state the size/],
    [
      'wrong start (earlier)',
      { contentRange: 'bytes 0-199/1000' },
      ContentRangeError,
      /from 0, asked from 100/,
    ],
    [
      'wrong start (later)',
      { contentRange: 'bytes 150-199/1000' },
      ContentRangeError,
      /from 150, asked from 100/,
    ],
    [
      'longer than asked',
      { contentRange: 'bytes 100-299/1000' },
      ContentRangeError,
      /up to 299, asked up to 199/,
    ],
    [
      'size changed',
      { contentRange: 'bytes 100-199/2000' },
      ResourceChangedError,
      /size is 2000 bytes, was 1000/,
    ],
    ['ETag changed', { etag: '"v2"' }, ResourceChangedError, /"v2" replaced "v1"/],
    ['strong ETag turned weak', { etag: 'W/"v1"' }, ResourceChangedError, /ETag/],
    [
      'ETag change wins over a wrong start',
      { etag: '"v2"', contentRange: 'bytes 0-99/1000' },
      ResourceChangedError,
      /ETag/,
    ],
    [
      'size change wins over a wrong start',
      { contentRange: 'bytes 0-99/5000' },
      ResourceChangedError,
      /size/,
    ],
  ])('rejects: %s', (_, overrides, errorClass, message) => {
    const check = () => checkRangeResponse({ ...base, ...overrides });
    expect(check).toThrow(errorClass);
    expect(check).toThrow(message);
  });

  it.each<[string, Partial<typeof base>, string, string]>([
    ['encoding', { contentEncoding: 'gzip' }, 'ContentEncodingError', 'CONTENT_ENCODING'],
    ['range', { contentRange: 'bytes 0-1/1000' }, 'ContentRangeError', 'BAD_CONTENT_RANGE'],
    ['change', { etag: '"v9"' }, 'ResourceChangedError', 'RESOURCE_CHANGED'],
  ])('error for %s carries its name, code and URL', (_, overrides, name, code) => {
    try {
      checkRangeResponse({ ...base, ...overrides });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ name, code });
      expect((error as Error).message).toContain(base.url);
    }
  });
});
