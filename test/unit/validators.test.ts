import { describe, expect, it } from 'vitest';
import {
  canProveSame,
  ifRangeValue,
  isWeakEtag,
  parseHttpDate,
  provesSame,
  sameResource,
} from '../../src/engine/validators';

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);
const IMF = 'Sun, 06 Nov 1994 08:49:37 GMT';

describe('parseHttpDate', () => {
  it.each<[string, string, number | null]>([
    ['IMF-fixdate', IMF, NOV_6_1994],
    ['RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT', NOV_6_1994],
    ['asctime, one-digit day', 'Sun Nov  6 08:49:37 1994', NOV_6_1994],
    ['asctime, two-digit day', 'Sun Nov 16 08:49:37 1994', Date.UTC(1994, 10, 16, 8, 49, 37)],
    ['one-digit day in IMF-fixdate, tolerated', 'Sun, 6 Nov 1994 08:49:37 GMT', NOV_6_1994],
    ['surrounding whitespace', `  ${IMF} `, NOV_6_1994],
    ['RFC 850 year 69 is 2069', 'Monday, 01-Jan-69 00:00:00 GMT', Date.UTC(2069, 0, 1)],
    ['RFC 850 year 70 is 1970', 'Thursday, 01-Jan-70 00:00:00 GMT', 0],
    ['epoch', 'Thu, 01 Jan 1970 00:00:00 GMT', 0],
    ['29 February of a leap year', 'Thu, 29 Feb 2024 12:00:00 GMT', Date.UTC(2024, 1, 29, 12)],
    ['leap second', 'Sat, 31 Dec 2016 23:59:60 GMT', Date.UTC(2017, 0, 1)],
    ['far future', 'Fri, 31 Dec 9999 23:59:59 GMT', Date.UTC(9999, 11, 31, 23, 59, 59)],
    [
      'year below 100 is not shifted',
      'Sat, 01 Jan 0050 00:00:00 GMT',
      new Date('0050-01-01T00:00:00Z').getTime(),
    ],
    ['29 February of a common year', 'Wed, 29 Feb 2023 12:00:00 GMT', null],
    ['31 April', 'Mon, 31 Apr 2024 00:00:00 GMT', null],
    ['day 0', 'Mon, 00 Jan 2024 00:00:00 GMT', null],
    ['hour 24', 'Mon, 01 Jan 2024 24:00:00 GMT', null],
    ['minute 60', 'Mon, 01 Jan 2024 00:60:00 GMT', null],
    ['second 61', 'Mon, 01 Jan 2024 00:00:61 GMT', null],
    ['not GMT', 'Sun, 06 Nov 1994 08:49:37 UTC', null],
    ['offset', 'Sun, 06 Nov 1994 08:49:37 +0000', null],
    ['lower-case month', 'Sun, 06 nov 1994 08:49:37 GMT', null],
    ['unknown weekday', 'Sux, 06 Nov 1994 08:49:37 GMT', null],
    ['ISO 8601', '1994-11-06T08:49:37Z', null],
    ['epoch seconds', '784111777', null],
    ['empty', '', null],
    ['garbage', 'yesterday', null],
  ])('%s', (_, value, expected) => {
    expect(parseHttpDate(value)).toBe(expected);
  });
});

describe('isWeakEtag', () => {
  it.each<[string, boolean]>([
    ['"abc"', false],
    ['W/"abc"', true],
    ['w/"abc"', true],
    [' W/"abc"', true],
    ['"W/abc"', false],
    ['abc', false],
    ['""', false],
  ])('%s → %s', (etag, weak) => {
    expect(isWeakEtag(etag)).toBe(weak);
  });
});

describe('ifRangeValue', () => {
  it.each<[string, string | null, string | null, string | null]>([
    ['strong ETag', '"abc"', IMF, '"abc"'],
    ['strong ETag without Last-Modified', '"abc"', null, '"abc"'],
    ['ETag is trimmed', '  "abc" ', null, '"abc"'],
    ['weak ETag: Last-Modified instead', 'W/"abc"', IMF, IMF],
    ['weak ETag and nothing else', 'W/"abc"', null, null],
    ['lower-case weak ETag is still weak', 'w/"abc"', null, null],
    ['Last-Modified only', null, IMF, IMF],
    ['RFC 850 Last-Modified', null, 'Sunday, 06-Nov-94 08:49:37 GMT', 'Sunday, 06-Nov-94 08:49:37 GMT'],
    ['Last-Modified is trimmed', null, ` ${IMF} `, IMF],
    ['unparseable Last-Modified', null, 'last tuesday', null],
    ['empty ETag', '', IMF, IMF],
    ['nothing', null, null, null],
  ])('%s', (_, etag, lastModified, expected) => {
    expect(ifRangeValue({ etag, lastModified })).toBe(expected);
  });
});

describe('sameResource', () => {
  type Side = { size: number | null; etag: string | null; lastModified: string | null };
  const file = (
    size: number | null,
    etag: string | null = null,
    lastModified: string | null = null,
  ): Side => ({
    size,
    etag,
    lastModified,
  });
  const LATER = 'Mon, 07 Nov 1994 08:49:37 GMT';
  const BIG = 5 * 1024 ** 3;

  it.each<[string, Side, Side, { same: boolean; verified: boolean }]>([
    ['same strong ETag', file(100, '"a"'), file(100, '"a"'), { same: true, verified: true }],
    [
      'strong ETag decides over Last-Modified',
      file(100, '"a"', IMF),
      file(100, '"a"', LATER),
      { same: true, verified: true },
    ],
    ['different strong ETag', file(100, '"a"', IMF), file(100, '"b"', IMF), { same: false, verified: true }],
    ['different weak ETag', file(100, 'W/"a"'), file(100, 'W/"b"'), { same: false, verified: true }],
    [
      'same weak ETag: Last-Modified decides',
      file(100, 'W/"a"', IMF),
      file(100, 'W/"a"', IMF),
      { same: true, verified: true },
    ],
    [
      'same weak ETag, newer file',
      file(100, 'W/"a"', IMF),
      file(100, 'W/"a"', LATER),
      { same: false, verified: true },
    ],
    [
      'same weak ETag and nothing else',
      file(100, 'W/"a"'),
      file(100, 'W/"a"'),
      { same: true, verified: false },
    ],
    ['weak and strong of one tag', file(100, 'W/"a"'), file(100, '"a"'), { same: true, verified: false }],
    ['different size', file(100, '"a"'), file(101, '"a"'), { same: false, verified: true }],
    ['different size, no validators', file(100), file(200), { same: false, verified: true }],
    ['unknown size saved', file(null, '"a"'), file(100, '"a"'), { same: false, verified: false }],
    ['unknown size probed', file(100, '"a"'), file(null, '"a"'), { same: false, verified: false }],
    ['same Last-Modified', file(100, null, IMF), file(100, null, IMF), { same: true, verified: true }],
    [
      'different Last-Modified',
      file(100, null, IMF),
      file(100, null, LATER),
      { same: false, verified: true },
    ],
    [
      'same instant in another date format',
      file(100, null, IMF),
      file(100, null, 'Sunday, 06-Nov-94 08:49:37 GMT'),
      { same: true, verified: true },
    ],
    [
      'unparseable but identical Last-Modified',
      file(100, null, 'x'),
      file(100, null, 'x'),
      { same: true, verified: true },
    ],
    [
      'unparseable and different Last-Modified',
      file(100, null, 'x'),
      file(100, null, 'y'),
      { same: false, verified: true },
    ],
    [
      'ETag on one side only: Last-Modified decides',
      file(100, '"a"', IMF),
      file(100, null, IMF),
      { same: true, verified: true },
    ],
    ['ETag on one side only, nothing else', file(100, '"a"'), file(100), { same: true, verified: false }],
    ['Last-Modified on one side only', file(100, null, IMF), file(100), { same: true, verified: false }],
    ['no validators at all', file(100), file(100), { same: true, verified: false }],
    ['beyond 4 GiB', file(BIG, '"a"'), file(BIG, '"a"'), { same: true, verified: true }],
    ['beyond 4 GiB, one byte apart', file(BIG, '"a"'), file(BIG + 1, '"a"'), { same: false, verified: true }],
  ])('%s', (_, saved, probed, verdict) => {
    expect(sameResource(saved, probed)).toEqual(verdict);
  });
});

describe('provesSame and canProveSame (renewing a link)', () => {
  const strong = { etag: '"a"', lastModified: IMF };
  it.each<[string, { etag: string | null; lastModified: string | null }, boolean]>([
    ['the same strong ETag', { etag: '"a"', lastModified: null }, true],
    ['another ETag, the same date', { etag: '"b"', lastModified: IMF }, false],
    ['no ETag, the same date', { etag: null, lastModified: IMF }, true],
    ['the same date in another format', { etag: null, lastModified: 'Sunday, 06-Nov-94 08:49:37 GMT' }, true],
    ['no ETag, another date', { etag: null, lastModified: 'Mon, 07 Nov 1994 08:49:37 GMT' }, false],
    ['nothing at all', { etag: null, lastModified: null }, false],
  ])('%s', (_, answer, expected) => {
    expect(provesSame(strong, answer)).toBe(expected);
  });

  it('a weak ETag proves nothing by itself', () => {
    expect(provesSame({ etag: 'W/"a"', lastModified: null }, { etag: 'W/"a"', lastModified: null })).toBe(
      false,
    );
    expect(canProveSame({ etag: 'W/"a"', lastModified: null })).toBe(false);
    expect(canProveSame({ etag: null, lastModified: IMF })).toBe(true);
    expect(canProveSame({ etag: '"a"', lastModified: null })).toBe(true);
    expect(canProveSame({ etag: null, lastModified: null })).toBe(false);
  });
});
