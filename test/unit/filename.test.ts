import { describe, expect, it } from 'vitest';
import { chooseFilename, filenameFromUrl, sanitizeFilename } from '../../src/engine/filename';

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/**
 * Chromium's test for a name chrome.downloads.download accepts (net::IsSafePortablePathComponent), restated
 * independently of the implementation, plus the byte bound.
 */
function chromiumAccepts(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    name.length > 0 &&
    utf8Bytes(name) <= 255 &&
    !/[\p{Cs}\p{Cc}\p{Cf}\p{Noncharacter_Code_Point}"*/:<>?\\|~]/u.test(name) &&
    !/^[\p{White_Space}.]|[\p{White_Space}.]$/u.test(name) &&
    !/^(con|prn|aux|nul|com[1-9]|lpt[1-9]|clock\$)(\..*)?$/.test(lower) &&
    lower !== 'desktop.ini' &&
    lower !== 'thumbs.db' &&
    !/\.(lnk|local|\{[^.]*\})$/.test(lower) &&
    name.normalize('NFC') === name
  );
}

const LONG_STEM = 'a'.repeat(300);

const SANITIZE_CASES: [string, string, string][] = [
  ['plain name', 'report.pdf', 'report.pdf'],
  ['unix traversal', '../../etc/passwd', 'passwd'],
  ['windows path', 'C:\\Windows\\x', 'x'],
  ['windows traversal', '..\\..\\boot.ini', 'boot.ini'],
  ['mixed separators', 'a/b\\c/d.txt', 'd.txt'],
  ['trailing separator', 'dir/sub/', 'sub'],
  ['dot-dot last', 'dir/..', 'dir'],
  ['absolute path', '/etc/shadow', 'shadow'],
  ['UNC path', '\\\\server\\share\\file.doc', 'file.doc'],
  ['drive only', 'C:', 'C_'],
  ['Windows-invalid characters', 'a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
  ['tilde', '~$budget.xlsx', '_$budget.xlsx'],
  ['NUL byte', 'a\u0000b.txt', 'ab.txt'],
  ['C0 controls', '\u0001\u001fname\u0007.txt', 'name.txt'],
  ['DEL', 'na\u007fme.txt', 'name.txt'],
  ['C1 controls', 'na\u0080\u009fme.txt', 'name.txt'],
  ['RTL override disguising an extension', 'invoice\u202Efdp.exe', 'invoicefdp.exe'],
  [
    'all bidi embeddings and isolates',
    '\u202Aa\u202Bb\u202Cc\u202Dd\u2066e\u2067f\u2068g\u2069.txt',
    'abcdefg.txt',
  ],
  ['bidi marks', 'a\u200Eb\u200F\u061C.txt', 'ab.txt'],
  ['zero-width characters', 'a\u200Bb\u200Cc\u200Dd\u2060e\uFEFF.txt', 'abcde.txt'],
  ['soft hyphen', 'in\u00ADvisible.txt', 'invisible.txt'],
  ['zero-width at the ends', '\u200B.hidden\u200B', 'hidden'],
  ['non-characters', 'a\uFDD0b\uFFFE\uFFFF.txt', 'ab.txt'],
  ['lone high surrogate', 'a\uD800b.txt', 'ab.txt'],
  ['lone low surrogate', 'a\uDC00b.txt', 'ab.txt'],
  ['newlines and tabs become one space', 'a\r\n\tb.txt', 'a b.txt'],
  ['whitespace runs collapse', 'a   \u00A0\u3000 b.txt', 'a b.txt'],
  ['line separator', 'a\u2028b.txt', 'a b.txt'],
  ['leading dots', '...hidden.txt', 'hidden.txt'],
  ['dotfile', '.bashrc', 'bashrc'],
  ['trailing dots and spaces', 'name.txt. . ', 'name.txt'],
  ['leading spaces', '   name.txt', 'name.txt'],
  ['inner dots stay', 'archive.tar.gz', 'archive.tar.gz'],
  ['inner double dot is not a path', 'Wait..what.mp3', 'Wait..what.mp3'],
  ['CON', 'CON', '_CON'],
  ['con with extension', 'con.txt', '_con.txt'],
  ['con with two extensions', 'con.tar.gz', '_con.tar.gz'],
  ['con, space before extension', 'con .txt', '_con .txt'],
  ['nul', 'nul', '_nul'],
  ['prn', 'Prn.log', '_Prn.log'],
  ['aux', 'aux.c', '_aux.c'],
  ['COM1', 'COM1', '_COM1'],
  ['com9 with extension', 'com9.bin', '_com9.bin'],
  ['COM0', 'COM0', '_COM0'],
  ['superscript port', 'COM\u00B9', '_COM\u00B9'],
  ['LPT1', 'lpt1.txt', '_lpt1.txt'],
  ['LPT9', 'LPT9', '_LPT9'],
  ['CLOCK$', 'clock$', '_clock$'],
  ['CONIN$', 'CONIN$', '_CONIN$'],
  ['desktop.ini', 'desktop.ini', '_desktop.ini'],
  ['thumbs.db', 'Thumbs.db', '_Thumbs.db'],
  ['device name inside a word is fine', 'console.log', 'console.log'],
  ['COM10 is not a device', 'COM10', 'COM10'],
  ['device name revealed by trimming', '  ..CON. ', '_CON'],
  ['shell link', 'evil.lnk', 'evil.lnk.download'],
  ['.local', 'app.exe.LOCAL', 'app.exe.LOCAL.download'],
  [
    'CLSID extension',
    'x.{20D04FE0-3AEA-1069-A2D8-08002B30309D}',
    'x.{20D04FE0-3AEA-1069-A2D8-08002B30309D}.download',
  ],
  ['unicode name', 'résumé 履歴書.pdf', 'résumé 履歴書.pdf'],
  ['emoji', '😀 party.png', '😀 party.png'],
  ['NFD becomes NFC', 'cafe\u0301.txt', 'caf\u00e9.txt'],
  ['long name keeps its extension', `${LONG_STEM}.pdf`, `${'a'.repeat(251)}.pdf`],
  ['long name without extension', LONG_STEM, 'a'.repeat(255)],
  ['long multi-byte name cuts between characters', `${'é'.repeat(200)}.txt`, `${'é'.repeat(125)}.txt`],
  ['long CJK name', `${'日'.repeat(100)}.zip`, `${'日'.repeat(83)}.zip`],
  ['long emoji name keeps pairs whole', `${'😀'.repeat(100)}.png`, `${'😀'.repeat(62)}.png`],
  ['cut lands on a space', `${'a'.repeat(254)} bbbb`, 'a'.repeat(254)],
  ['long extension is not kept', `a.${'b'.repeat(300)}`, `a.${'b'.repeat(253)}`],
  ['exactly 255 bytes', 'a'.repeat(255), 'a'.repeat(255)],
  ['long shell link keeps the safe extension', `${LONG_STEM}.lnk`, `${'a'.repeat(246)}.download`],
];

describe('sanitizeFilename', () => {
  it.each(SANITIZE_CASES)('%s', (_, input, expected) => {
    expect(sanitizeFilename(input)).toBe(expected);
  });

  it.each<[string, string]>([
    ['empty', ''],
    ['only spaces', '   '],
    ['dot', '.'],
    ['dot-dot', '..'],
    ['dots and slashes', '../../..'],
    ['only a separator', '/'],
    ['only controls', '\u0000\u0001\u007f'],
    ['only bidi and zero-width', '\u202E\u200B\uFEFF'],
    ['only dots and spaces', ' . . . '],
  ])('falls back when nothing is left: %s', (_, input) => {
    expect(sanitizeFilename(input)).toBe('download');
    expect(sanitizeFilename(input, 'file.bin')).toBe('file.bin');
  });

  it.each<[string, string]>([
    ['an unsafe fallback is sanitised too', '../con'],
    ['an empty fallback gives "download"', ''],
  ])('%s', (_, fallback) => {
    expect(chromiumAccepts(sanitizeFilename('..', fallback))).toBe(true);
  });

  it.each([
    '',
    ' a',
    'a ',
    '.a',
    'a.',
    'con',
    'LPT1.txt',
    'a\u202Eb',
    'a\u200Bb',
    'a:b',
    'a~b',
    'x.lnk',
    'a'.repeat(256),
  ])('the Chromium check itself refuses %j', (name) => {
    expect(chromiumAccepts(name)).toBe(false);
  });

  it.each(SANITIZE_CASES)('output is acceptable to Chromium: %s', (_, input) => {
    expect(chromiumAccepts(sanitizeFilename(input))).toBe(true);
  });

  it.each(SANITIZE_CASES)('is idempotent: %s', (_, input) => {
    const once = sanitizeFilename(input);
    expect(sanitizeFilename(once)).toBe(once);
  });
});

describe('filenameFromUrl', () => {
  it.each<[string, string, string | null]>([
    ['simple', 'https://example.com/files/report.pdf', 'report.pdf'],
    ['query ignored', 'https://example.com/a/file.zip?token=abc/def.exe', 'file.zip'],
    ['fragment ignored', 'https://example.com/file.zip#part/2.exe', 'file.zip'],
    ['trailing slash: last non-empty segment', 'https://example.com/dir/sub/', 'sub'],
    ['double slashes', 'https://example.com/a//b.txt//', 'b.txt'],
    ['root only', 'https://example.com/', null],
    ['no path', 'https://example.com', null],
    ['percent-encoded space', 'https://example.com/my%20file.txt', 'my file.txt'],
    ['percent-encoded UTF-8', 'https://example.com/%E6%97%A5%E6%9C%AC.pdf', '日本.pdf'],
    ['raw unicode path', 'https://example.com/résumé.pdf', 'résumé.pdf'],
    ['lower-case escapes', 'https://example.com/caf%c3%a9.txt', 'café.txt'],
    ['invalid escape kept', 'https://example.com/100%zz.txt', '100%zz.txt'],
    ['lone percent kept', 'https://example.com/50%.txt', '50%.txt'],
    ['invalid UTF-8 byte kept', 'https://example.com/caf%E9.txt', 'caf%E9.txt'],
    ['valid then invalid', 'https://example.com/%C3%A9%FF.txt', 'é%FF.txt'],
    ['invalid then valid', 'https://example.com/%FF%C3%A9.txt', '%FFé.txt'],
    ['truncated sequence kept', 'https://example.com/%E6%97.txt', '%E6%97.txt'],
    ['encoded surrogate kept', 'https://example.com/%ED%A0%80.txt', '%ED%A0%80.txt'],
    ['four-byte sequence', 'https://example.com/%F0%9F%98%80.png', '😀.png'],
    ['encoded slash decodes (sanitising strips it)', 'https://example.com/a%2Fb.txt', 'a/b.txt'],
    ['dot segments resolved by the URL parser', 'https://example.com/a/b/../c.txt', 'c.txt'],
    ['encoded dot segment resolved too', 'https://example.com/a/%2e%2e/c.txt', 'c.txt'],
    ['encoded NUL decodes (sanitising strips it)', 'https://example.com/a%00b.txt', 'a\u0000b.txt'],
    ['ftp', 'ftp://example.com/pub/file.iso', 'file.iso'],
    ['file URL', 'file:///home/u/notes.txt', 'notes.txt'],
    ['data URL has no name', 'data:text/plain,hello/world.txt', null],
    ['blob URL has no name', 'blob:https://example.com/0b7a-4c1e', null],
    ['not a URL', 'not a url', null],
    ['empty string', '', null],
    ['relative path', '/files/a.txt', null],
  ])('%s', (_, url, expected) => {
    expect(filenameFromUrl(url)).toBe(expected);
  });
});

describe('chooseFilename', () => {
  const url = 'https://example.com/path/from-url.bin';
  it.each<[string, string | null, string, string | null, string]>([
    ['Content-Disposition wins', 'attachment; filename="cd.pdf"', url, 'application/pdf', 'cd.pdf'],
    ['filename* wins', "attachment; filename=a.txt; filename*=UTF-8''%E2%82%AC.txt", url, null, '€.txt'],
    ['URL when no header', null, url, null, 'from-url.bin'],
    ['URL when the header has no name', 'attachment', url, null, 'from-url.bin'],
    ['URL when the header name sanitises away', 'attachment; filename=".."', url, null, 'from-url.bin'],
    ['"download" when neither', null, 'https://example.com/', null, 'download'],
    ['hostile header is sanitised', 'attachment; filename="../../.bashrc"', url, null, 'bashrc'],
    ['RTL trick header', 'attachment; filename="photo\u202Egpj.exe"', url, null, 'photogpj.exe'],
    ['PDF extension added', null, 'https://example.com/get?id=1', 'application/pdf', 'get.pdf'],
    [
      'MIME parameters ignored',
      null,
      'https://example.com/readme',
      'text/plain; charset=utf-8',
      'readme.txt',
    ],
    ['MIME case ignored', null, 'https://example.com/page', 'Text/HTML', 'page.html'],
    ['zip', null, 'https://example.com/archive', 'application/zip', 'archive.zip'],
    ['png', null, 'https://example.com/img', 'image/png', 'img.png'],
    ['jpeg', null, 'https://example.com/img', 'image/jpeg', 'img.jpg'],
    ['mp4', null, 'https://example.com/v', 'video/mp4', 'v.mp4'],
    ['json', null, 'https://example.com/api/data', 'application/json', 'data.json'],
    ['gzip', null, 'https://example.com/dump', 'application/gzip', 'dump.gz'],
    ['tar', null, 'https://example.com/src', 'application/x-tar', 'src.tar'],
    ['octet-stream adds nothing', null, 'https://example.com/blob', 'application/octet-stream', 'blob'],
    ['unknown MIME adds nothing', null, 'https://example.com/x', 'application/x-unknown', 'x'],
    ['no MIME adds nothing', null, 'https://example.com/x', null, 'x'],
    ['prototype keys are not MIME types', null, 'https://example.com/x', 'constructor', 'x'],
    ['existing extension kept', null, 'https://example.com/a.zip', 'application/pdf', 'a.zip'],
    [
      'a version number is not an extension',
      null,
      'https://example.com/report-v1.2',
      'application/pdf',
      'report-v1.2.pdf',
    ],
    ['fallback name gets an extension', null, 'https://example.com/', 'application/pdf', 'download.pdf'],
    ['device name gets an extension', 'attachment; filename=con', url, 'text/plain', '_con.txt'],
    [
      'long name with added extension stays bounded',
      `attachment; filename=${'x'.repeat(300)}`,
      url,
      'application/pdf',
      `${'x'.repeat(251)}.pdf`,
    ],
  ])('%s', (_, contentDisposition, fromUrl, mime, expected) => {
    expect(chooseFilename({ contentDisposition, url: fromUrl, mime })).toBe(expected);
  });
});
