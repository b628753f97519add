import { describe, expect, it } from 'vitest';
import { type CreatedDownload, decide, nameFromUrl } from '../../src/background/intercept';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';

const ID = 'fakemiedkhlmlmmbccllciacifpncpfc';
const MIB = 1024 * 1024;
const big: CreatedDownload = { url: 'https://files.example/a.iso', incognito: false, totalBytes: 64 * MIB };

describe('interception decision', () => {
  it('takes a large http(s) download of known size', () => {
    expect(decide(big, DEFAULT_SETTINGS, ID)).toEqual({ take: true, url: big.url, sizeBytes: 64 * MIB });
    expect(decide({ ...big, totalBytes: 16 * MIB }, DEFAULT_SETTINGS, ID).take).toBe(true);
  });

  it('uses the final URL after redirects', () => {
    const d = decide({ ...big, finalUrl: 'https://cdn.example/a.iso' }, DEFAULT_SETTINGS, ID);
    expect(d).toMatchObject({ take: true, url: 'https://cdn.example/a.iso' });
  });

  it.each<[string, CreatedDownload, string | null]>([
    ['its own downloads', { ...big, byExtensionId: ID }, null],
    ['blob: URLs', { ...big, url: 'blob:https://x/1' }, null],
    ['data: URLs', { ...big, url: 'data:text/plain,hi' }, null],
    ['file: URLs', { ...big, url: 'file:///etc/passwd' }, null],
    ['small files', { ...big, totalBytes: 16 * MIB - 1 }, null],
    ['incognito', { ...big, incognito: true }, 'incognito downloads are left to the browser'],
    ['unknown size', { ...big, totalBytes: -1 }, 'the server did not say how large the file is'],
  ])('leaves alone %s', (_name, item, reason) => {
    expect(decide(item, DEFAULT_SETTINGS, ID)).toEqual({ take: false, reason });
  });

  it('honours auto-capture off, the threshold and excluded domains', () => {
    expect(decide(big, { ...DEFAULT_SETTINGS, autoCapture: false }, ID).take).toBe(false);
    expect(decide(big, { ...DEFAULT_SETTINGS, thresholdBytes: 100 * MIB }, ID).take).toBe(false);
    expect(decide(big, { ...DEFAULT_SETTINGS, excludedDomains: ['other.example'] }, ID).take).toBe(true);
    expect(decide(big, { ...DEFAULT_SETTINGS, excludedDomains: ['files.example'] }, ID)).toEqual({
      take: false,
      reason: 'files.example is an excluded domain',
    });
  });

  it('names a job from its URL until the probe knows better', () => {
    expect(nameFromUrl('https://x.example/dir/My%20File.zip?x=1')).toBe('My File.zip');
    expect(nameFromUrl('https://x.example/')).toBe('x.example');
  });
});
