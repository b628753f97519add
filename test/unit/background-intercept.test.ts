import { describe, expect, it } from 'vitest';
import { allowsUrl, type CreatedDownload, decide, nameFromUrl } from '../../src/background/intercept';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';

const ID = 'fakemiedkhlmlmmbccllciacifpncpfc';
const MIB = 1024 * 1024;
const big: CreatedDownload = { url: 'https://files.example/a.iso', incognito: false, totalBytes: 64 * MIB };

describe('interception decision', () => {
  it('takes a large http(s) download of known size', () => {
    expect(decide(big, DEFAULT_SETTINGS)).toEqual({
      take: true,
      url: big.url,
      originalUrl: big.url,
      sizeBytes: 64 * MIB,
    });
    expect(decide({ ...big, totalBytes: 16 * MIB }, DEFAULT_SETTINGS).take).toBe(true);
  });

  it('uses the final URL after redirects', () => {
    const d = decide({ ...big, finalUrl: 'https://cdn.example/a.iso' }, DEFAULT_SETTINGS);
    expect(d).toMatchObject({ take: true, url: 'https://cdn.example/a.iso' });
  });

  it.each<[string, CreatedDownload, string | null]>([
    ['its own downloads', { ...big, byExtensionId: ID }, null],
    ['blob: URLs', { ...big, url: 'blob:https://x/1' }, null],
    ['data: URLs', { ...big, url: 'data:text/plain,hi' }, null],
    ['file: URLs', { ...big, url: 'file:///etc/passwd' }, null],
    ['small files', { ...big, totalBytes: 16 * MIB - 1 }, null],
    ['incognito, without a note', { ...big, incognito: true }, null],
    ['other extensions’ downloads', { ...big, byExtensionId: 'abcdefghijklmnopabcdefghijklmnop' }, null],
    ['unknown size', { ...big, totalBytes: -1 }, 'the server did not say how large the file is'],
  ])('leaves alone %s', (_name, item, reason) => {
    expect(decide(item, DEFAULT_SETTINGS)).toEqual({ take: false, reason });
  });

  it('honours auto-capture off, the threshold and excluded domains', () => {
    expect(decide(big, { ...DEFAULT_SETTINGS, autoCapture: false }).take).toBe(false);
    expect(decide(big, { ...DEFAULT_SETTINGS, thresholdBytes: 100 * MIB }).take).toBe(false);
    expect(decide(big, { ...DEFAULT_SETTINGS, excludedDomains: ['other.example'] }).take).toBe(true);
    expect(decide(big, { ...DEFAULT_SETTINGS, excludedDomains: ['files.example'] })).toEqual({
      take: false,
      reason: 'files.example is an excluded domain',
    });
  });

  it('applies excluded domains to the link and to where it redirected', () => {
    const redirected = { ...big, finalUrl: 'https://cdn.other/a.iso' };
    expect(decide(redirected, { ...DEFAULT_SETTINGS, excludedDomains: ['other'] })).toEqual({
      take: false,
      reason: 'cdn.other is an excluded domain',
    });
    expect(allowsUrl('https://a.cdn.other/x', { ...DEFAULT_SETTINGS, excludedDomains: ['cdn.other'] })).toBe(
      false,
    );
    expect(allowsUrl('ftp://files.example/x', DEFAULT_SETTINGS)).toBe(false);
    expect(allowsUrl('https://files.example/x', DEFAULT_SETTINGS)).toBe(true);
  });

  it('leaves programs from plain-http sites to the browser, with a note; the same over https is taken', () => {
    const exe = { ...big, url: 'http://files.example/setup.exe' };
    expect(decide(exe, DEFAULT_SETTINGS)).toEqual({
      take: false,
      reason: 'a program from a plain-http site is left to the browser’s download checks',
    });
    expect(
      decide(
        { ...exe, url: 'https://files.example/setup.exe', referrer: 'http://page.example/' },
        DEFAULT_SETTINGS,
      ).take,
    ).toBe(false);
    expect(decide({ ...exe, url: 'https://files.example/setup.exe' }, DEFAULT_SETTINGS).take).toBe(true);
    expect(decide({ ...exe, url: 'http://files.example/disk.iso' }, DEFAULT_SETTINGS).take).toBe(true);
  });

  it('names a job from its URL until the browser or the probe know better, made safe', () => {
    expect(nameFromUrl('https://x.example/dir/My%20File.zip?x=1')).toBe('My File.zip');
    expect(nameFromUrl('https://x.example/')).toBe('x.example');
    expect(nameFromUrl('https://x.example/a%2F..%2F..%2Fetc%2Fpasswd')).not.toMatch(/[/\\]/);
    expect(nameFromUrl('https://x.example/CON')).not.toBe('CON');
    expect([...nameFromUrl('https://x.example/%00evil%0A.txt')].every((c) => c.charCodeAt(0) >= 32)).toBe(
      true,
    );
  });
});
