import { describe, expect, it } from 'vitest';
import { refererFor } from '../../src/background/referrer-policy';

/** strict-origin-when-cross-origin, the browser's default referrer policy. */
describe('the Referer the browser would send', () => {
  it.each<[string, string | null, string, string | null]>([
    [
      'the full page URL to the same origin',
      'https://a.example/dir/page?q=1#top',
      'https://a.example/f.bin',
      'https://a.example/dir/page?q=1',
    ],
    [
      'the origin only to another origin',
      'https://a.example/dir/page?q=1',
      'https://cdn.example/f.bin',
      'https://a.example/',
    ],
    [
      'the origin only to another port',
      'http://127.0.0.1:8000/page',
      'http://127.0.0.1:9000/f.bin',
      'http://127.0.0.1:8000/',
    ],
    ['nothing from https to http', 'https://a.example/page', 'http://a.example/f.bin', null],
    [
      'the origin from http to https',
      'http://a.example/page',
      'https://a.example/f.bin',
      'http://a.example/',
    ],
    ['no credentials', 'https://user:pw@a.example/page', 'https://a.example/f.bin', 'https://a.example/page'],
    ['nothing without a page', null, 'https://a.example/f.bin', null],
    ['nothing from a non-http page', 'chrome-extension://abc/popup.html', 'https://a.example/f.bin', null],
    ['nothing from a malformed page URL', 'not a url', 'https://a.example/f.bin', null],
  ])('sends %s', (_name, page, target, expected) => {
    expect(refererFor(page, target)).toBe(expected);
  });
});
