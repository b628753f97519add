import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from '../../src/cli/args';
import { CookieFileError, cookieHeader, parseCookieFile } from '../../src/cli/cookies';
import { HeaderError, parseHeader } from '../../src/cli/headers';
import { parseInputList } from '../../src/cli/input-list';
import { headersFor } from '../../src/cli/request-headers';

const NOW = 1_700_000_000_000;
const jar = parseCookieFile(
  [
    '# Netscape HTTP Cookie File',
    '.example.com\tTRUE\t/\tFALSE\t0\tall\t1',
    'example.com\tFALSE\t/\tFALSE\t0\texact\t2',
    'example.com\tFALSE\t/docs\tFALSE\t0\tdocs\t3',
    'example.com\tFALSE\t/\tTRUE\t0\tsecure\t4',
    `example.com\tFALSE\t/\tFALSE\t${NOW / 1000 - 1}\told\t5`,
    '#HttpOnly_example.com\tFALSE\t/\tFALSE\t0\tho\t6',
    'example.com\tFALSE\t/\tFALSE\t0\tempty',
  ].join('\n'),
  'jar.txt',
);

describe('cookies.txt', () => {
  it.each([
    ['http://example.com/', 'all=1; exact=2; ho=6; empty='],
    ['https://example.com/docs/a', 'docs=3; all=1; exact=2; secure=4; ho=6; empty='],
    ['http://example.com/docs', 'docs=3; all=1; exact=2; ho=6; empty='],
    ['http://example.com/docsx', 'all=1; exact=2; ho=6; empty='],
    ['http://cdn.example.com/docs/a', 'all=1'],
    ['http://badexample.com/', null],
    ['http://example.org/', null],
  ])('%s → %s', (url, header) => {
    expect(cookieHeader(jar, url, NOW)).toBe(header);
  });

  it.each([
    ['example.com\tFALSE\t/\tFALSE\t0', 'expected 7'],
    ['example.com\tYES\t/\tFALSE\t0\ta\tb', 'TRUE or FALSE'],
    ['example.com\tFALSE\t/\tFALSE\tsoon\ta\tb', 'Unix seconds'],
    ['example.com\tFALSE\tnopath\tFALSE\t0\ta\tb', 'a path'],
  ])('refuses %j with its line number', (line, why) => {
    expect(() => parseCookieFile(`# c\n${line}\n`, 'f.txt')).toThrow(CookieFileError);
    expect(() => parseCookieFile(`# c\n${line}\n`, 'f.txt')).toThrow(`f.txt line 2: `);
    expect(() => parseCookieFile(line, 'f.txt')).toThrow(why);
  });
});

describe('headers of the command line', () => {
  it('parses Name: value and refuses what a header cannot carry', () => {
    expect(parseHeader('X-A:  b c ')).toEqual(['X-A', 'b c']);
    expect(() => parseHeader('X A: b')).toThrow(HeaderError);
    expect(() => parseHeader('X-A: b\r\nX-B: c')).toThrow(HeaderError);
  });

  it('gives credentials to the own host only, other headers everywhere, and jar cookies by host', () => {
    const command = parseCommand([
      'http://a.test/f',
      '-H',
      'Authorization: Bearer t',
      '-H',
      'Cookie: h=1',
      '--cookie',
      'c=2',
      '--user-agent',
      'UA',
      '-H',
      'user-agent: later-wins-not',
    ]);
    if (command.kind !== 'download') throw new Error('not a download');
    const cookies = parseCookieFile('b.test\tFALSE\t/\tFALSE\t0\tj\t3\n', 'jar');
    const forUrl = headersFor(command.request, 'http://a.test/f', cookies, () => NOW);
    expect(forUrl('http://a.test/f')).toEqual({
      Authorization: 'Bearer t',
      'User-Agent': 'UA',
      Cookie: 'h=1; c=2',
    });
    expect(forUrl('http://b.test/f')).toEqual({ 'User-Agent': 'UA', Cookie: 'j=3' });
  });

  it.each([
    [['http://a.test/f', '-H', 'If-Range: x'], 'the downloader sets it'],
    [['http://a.test/f', '--timeout', '0'], '--timeout'],
    [['http://a.test/f', '--max-tries', '0'], '--max-tries'],
    [['http://a.test/f', '-j', '2'], '-j is for -i'],
    [['-i', 'l.txt', 'http://a.test/f'], 'give no URL'],
    [['-i', 'l.txt', '--checksum', `sha256=${'a'.repeat(64)}`], 'not with -i'],
    [['http://a.test/f', '--referer', 'not a url'], 'not a URL'],
  ])('refuses %j', (argv, words) => {
    expect(() => parseCommand(argv)).toThrow(words);
  });
});

describe('input lists', () => {
  it('skips blanks, comments and option lines, and names a bad line', () => {
    expect(parseInputList('# x\nhttp://a.test/1\n\n  out=y\nhttps://b.test/2\r\n', 'l')).toEqual([
      'http://a.test/1',
      'https://b.test/2',
    ]);
    expect(() => parseInputList('http://a.test/1\nftp://x/y\n', 'l')).toThrow('l line 2');
    expect(() => parseInputList('# only\n', 'l')).toThrow(UsageError);
  });
});
