import { describe, expect, it } from 'vitest';
import { parseContentDisposition } from '../../src/engine/content-disposition';

/** A header as fetch hands it over: each byte of the UTF-8 text becomes one Latin-1 character. */
const rawUtf8 = (text: string) => String.fromCharCode(...new TextEncoder().encode(text));

describe('parseContentDisposition', () => {
  // Many rows follow the greenbytes tc2231 suite, with the answers Chromium gives.
  it.each<[string, string | null, string | null]>([
    ['no header', null, null],
    ['empty header', '', null],
    ['type only', 'attachment', null],
    ['inline without name', 'inline', null],
    ['quoted', 'attachment; filename="foo.html"', 'foo.html'],
    ['inline with name', 'inline; filename="foo.html"', 'foo.html'],
    ['token', 'attachment; filename=foo.html', 'foo.html'],
    ['upper-case type and name', 'ATTACHMENT; FILENAME="foo.html"', 'foo.html'],
    ['mixed-case name', 'attachment; FileName=foo.html', 'foo.html'],
    ['backslash escapes a plain character', 'attachment; filename="f\\oo.html"', 'foo.html'],
    ['escaped quotes', 'attachment; filename="\\"quoting\\" tested.html"', '"quoting" tested.html'],
    ['escaped backslash', 'attachment; filename="a\\\\b.txt"', 'a\\b.txt'],
    [
      'semicolon inside quotes',
      'attachment; filename="Here\'s a semicolon;.html"',
      "Here's a semicolon;.html",
    ],
    ['other parameter first', 'attachment; foo="bar"; filename="foo.html"', 'foo.html'],
    ['other parameter with escapes first', 'attachment; foo="\\"\\\\";filename="foo.html"', 'foo.html'],
    [
      'filename= inside another value',
      'attachment; foo="filename=evil.exe"; filename="good.txt"',
      'good.txt',
    ],
    ['semicolon-split decoy', 'attachment; foo="x;filename=evil.exe"; filename=good.txt', 'good.txt'],
    ['spaces around =', 'attachment; filename = "foo.html"', 'foo.html'],
    ['trailing semicolon', 'attachment; filename=foo.html ;', 'foo.html'],
    ['empty parameter before', 'attachment; ;filename=foo', 'foo'],
    ['parameter without value before', 'attachment; flag; filename=foo.txt', 'foo.txt'],
    ['unquoted with spaces, as browsers accept', 'attachment; filename=foo bar.html', 'foo bar.html'],
    ['unquoted with comma', 'attachment; filename=foo,bar.html', 'foo,bar.html'],
    ['unquoted with brackets', 'attachment; filename=foo[1](2).html', 'foo[1](2).html'],
    ['single quotes are part of the value', "attachment; filename='foo.bar'", "'foo.bar'"],
    ['junk after the closing quote', 'attachment; filename="foo.html" junk; size=3', 'foo.html'],
    ['unterminated quote runs to the end', 'attachment; filename="foo.html', 'foo.html'],
    ['first of two filenames', 'attachment; filename="foo.html"; filename="bar.html"', 'foo.html'],
    ['no disposition type', 'filename="foo.html"', 'foo.html'],
    ['no type, token', 'filename=foo.html', 'foo.html'],
    ['empty quoted name', 'attachment; filename=""', null],
    ['empty token', 'attachment; filename=', null],
    ['name= is not filename=', 'attachment; name="foo.html"', null],
    ['parameter without =', 'attachment; filename', null],
    ['%xx in filename stays literal', 'attachment; filename="foo-%41.html"', 'foo-%41.html'],
    ['lone % stays', 'attachment; filename="50%.html"', '50%.html'],
    ['escaped percent', 'attachment; filename="foo-%\\41.html"', 'foo-%41.html'],
    ['percent-encoded UTF-8 stays literal', 'attachment; filename="foo-%c3%a4.html"', 'foo-%c3%a4.html'],
    ['RFC 2047 words are not decoded', 'attachment; filename="=?UTF-8?B?Zm9v?="', '=?UTF-8?B?Zm9v?='],
    ['raw Latin-1 byte', 'attachment; filename="foo-\u00e4.html"', 'foo-\u00e4.html'],
    ['raw UTF-8 bytes are decoded', `attachment; filename="${rawUtf8('foo-ä-€.html')}"`, 'foo-ä-€.html'],
    ['raw UTF-8, unquoted', `attachment; filename=${rawUtf8('日本語.pdf')}`, '日本語.pdf'],
    ['invalid UTF-8 stays Latin-1', 'attachment; filename="\u00e4\u00e4.txt"', '\u00e4\u00e4.txt'],
    ['characters above Latin-1 are kept', 'attachment; filename="日本.txt"', '日本.txt'],
  ])('%s', (_, header, expected) => {
    expect(parseContentDisposition(header)).toBe(expected);
  });

  describe('filename* (RFC 8187)', () => {
    it.each<[string, string, string | null]>([
      ['UTF-8', "attachment; filename*=UTF-8''foo-%c3%a4-%e2%82%ac.html", 'foo-ä-€.html'],
      ['lower-case charset', "attachment; filename*=utf-8''na%C3%AFve.txt", 'naïve.txt'],
      ['ISO-8859-1', "attachment; filename*=iso-8859-1''foo-%E4.html", 'foo-ä.html'],
      ['ISO-8859-1 is not UTF-8', "attachment; filename*=ISO-8859-1''foo-%c3%a4.html", 'foo-Ã¤.html'],
      ['ISO-8859-1 0x80 is a C1 control, not €', "attachment; filename*=iso-8859-1''%80.txt", '\u0080.txt'],
      ['language tag', "attachment; filename*=UTF-8'en'%e2%82%ac%20rates", '€ rates'],
      ['upper-case name', "attachment; FILENAME*=UTF-8''x.txt", 'x.txt'],
      ['space before *', "attachment; filename *=UTF-8''foo-%c3%a4.html", 'foo-ä.html'],
      ['space after =', "attachment; filename*= UTF-8''foo-%c3%a4.html", 'foo-ä.html'],
      ['space before =', "attachment; filename* =UTF-8''foo-%c3%a4.html", 'foo-ä.html'],
      ['quoted, tolerated', 'attachment; filename*="UTF-8\'\'foo-%c3%a4.html"', 'foo-ä.html'],
      ['encoded percent', "attachment; filename*=UTF-8''A-%2541.html", 'A-%41.html'],
      ['encoded slash is text here', "attachment; filename*=UTF-8''a%2Fb.txt", 'a/b.txt'],
      ['raw apostrophe in the value', "attachment; filename*=UTF-8''it's.txt", "it's.txt"],
      ['astral character', "attachment; filename*=UTF-8''%F0%9F%98%80.png", '😀.png'],
      ['empty value', "attachment; filename*=UTF-8''", null],
      ['no charset', "attachment; filename*=''foo-%c3%a4.html", null],
      ['no quotes at all', 'attachment; filename*=foo%20bar.html', null],
      ['one quote only', "attachment; filename*=UTF-8'foo-%c3%a4.html", null],
      ['unknown charset', "attachment; filename*=Shift_JIS''%82%a0.txt", null],
      ['invalid UTF-8', "attachment; filename*=UTF-8''foo-%E4.html", null],
      ['overlong UTF-8', "attachment; filename*=UTF-8''%C0%AF.txt", null],
      ['UTF-8 surrogate', "attachment; filename*=UTF-8''%ED%A0%80.txt", null],
      ['truncated escape', "attachment; filename*=UTF-8''foo%", null],
      ['one hex digit', "attachment; filename*=UTF-8''foo%4.txt", null],
      ['bad hex', "attachment; filename*=UTF-8''f%oo.html", null],
      ['raw non-ASCII', "attachment; filename*=UTF-8''f\u00e4.html", null],
      ['continuations are not joined', 'attachment; filename*0="foo."; filename*1="html"', null],
    ])('%s', (_, header, expected) => {
      expect(parseContentDisposition(header)).toBe(expected);
    });
  });

  describe('filename* beside filename', () => {
    it.each<[string, string, string]>([
      [
        'filename* after',
        'attachment; filename="foo-ae.html"; filename*=UTF-8\'\'foo-%c3%a4.html',
        'foo-ä.html',
      ],
      [
        'filename* before',
        'attachment; filename*=UTF-8\'\'foo-%c3%a4.html; filename="foo-ae.html"',
        'foo-ä.html',
      ],
      [
        'broken filename* falls back',
        'attachment; filename*=UTF-8\'\'foo-%E4.html; filename="plain.html"',
        'plain.html',
      ],
      ['unknown charset falls back', "attachment; filename*=koi8-r''%c1.txt; filename=a.txt", 'a.txt'],
      ['empty filename* falls back', "attachment; filename*=UTF-8''; filename=a.txt", 'a.txt'],
      [
        'continuation ignored, filename* used',
        "attachment; filename*0*=ISO-8859-15''euro-sign%3d%a4; filename*=ISO-8859-1''currency-sign%3d%a4",
        'currency-sign=¤',
      ],
    ])('%s', (_, header, expected) => {
      expect(parseContentDisposition(header)).toBe(expected);
    });
  });

  it.each<[string, string]>([
    ['only semicolons', ';;;;'],
    ['only equals signs', '===='],
    ['only quotes', '"""""'],
    ['lone backslash in quotes', 'attachment; filename="\\'],
    ['a long header', `attachment; filename*=UTF-8''${'%ff'.repeat(100_000)}`],
    ['a long quoted value', `attachment; filename="${'\\'.repeat(100_001)}`],
  ])('never throws: %s', (_, header) => {
    expect(() => parseContentDisposition(header)).not.toThrow();
  });
});
