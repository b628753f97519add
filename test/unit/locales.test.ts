import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Catalog, formatMessage, t, useCatalog } from '../../src/shared/i18n';

/**
 * The translations: every locale has exactly the default locale's keys, with the same placeholders, and every
 * key the code uses (`t('key')`, `__MSG_key__`, `data-i18n…="key"` in src/ and the manifest) exists; every key
 * the default locale has is used. Simplified Chinese is complete: no message left in English.
 */

const ROOT = resolve(import.meta.dirname, '../..');
const LOCALES = resolve(ROOT, 'public/_locales');
const manifest = JSON.parse(readFileSync(resolve(ROOT, 'manifest.json'), 'utf8')) as {
  default_locale?: string;
};
const DEFAULT = manifest.default_locale ?? '';

function readCatalog(locale: string): Catalog {
  return JSON.parse(readFileSync(resolve(LOCALES, locale, 'messages.json'), 'utf8')) as Catalog;
}

const locales = readdirSync(LOCALES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const catalogs = new Map(locales.map((l) => [l, readCatalog(l)] as const));
const reference = catalogs.get(DEFAULT) ?? {};

const KEY = '[A-Za-z0-9_@]+';
const USES: readonly RegExp[] = [
  new RegExp(`(?<![\\w$.])t\\(\\s*['"\`](${KEY})['"\`]`, 'g'),
  new RegExp(`__MSG_(${KEY})__`, 'g'),
  new RegExp(`data-i18n(?:-[a-z-]+)?="(${KEY})"`, 'g'),
];

/** The message keys a source text uses. */
function usedKeys(text: string): string[] {
  return USES.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1] as string));
}

function listFiles(dir: string): string[] {
  return readdirSync(resolve(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(`${dir}/${e.name}`) : [`${dir}/${e.name}`],
  );
}

const sourceFiles = [...listFiles('src').filter((p) => /\.(ts|html|css)$/.test(p)), 'manifest.json'];
const uses = new Map<string, string[]>();
for (const path of sourceFiles) {
  for (const key of usedKeys(readFileSync(resolve(ROOT, path), 'utf8'))) {
    uses.set(key, [...(uses.get(key) ?? []), path]);
  }
}

/** Placeholder names a message refers to (`$name$`), lower-cased as the browser matches them. */
function referenced(message: string): string[] {
  return [...message.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((m) => (m[1] as string).toLowerCase()).sort();
}

function placeholderContents(entry: Catalog[string]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(entry.placeholders ?? {}).map(([name, p]) => [name.toLowerCase(), p.content]),
  );
}

describe('the checks themselves', () => {
  afterEach(() => useCatalog(null));

  it('finds keys in calls, the manifest and HTML, not in look-alikes', () => {
    const code = [
      't(\'a_key\'); t("b", 3); t(`c`);',
      '"name": "__MSG_d__"',
      '<span data-i18n="e"></span><input data-i18n-aria-label="f">',
      "format('x'); it('not a key'); obj.t('g');",
    ].join('\n');
    expect(usedKeys(code).sort()).toEqual(['a_key', 'b', 'c', 'd', 'e', 'f']);
  });

  it('formats placeholders and substitutions as the browser does', () => {
    const entry = {
      message: '$DONE$ of $Total$, $$5 and $2',
      placeholders: { done: { content: '$1' }, total: { content: '$2 bytes' } },
    };
    expect(formatMessage(entry, ['3', '8'])).toBe('3 of 8 bytes, $5 and 8');
    expect(formatMessage(entry, ['3'])).toBe('3 of  bytes, $5 and ');
  });

  it('t() uses a catalog given in Node, and says the key without one', () => {
    useCatalog({ Hello_Name: { message: 'Hello $N$', placeholders: { n: { content: '$1' } } } });
    expect(t('hello_name', 'Ada')).toBe('Hello Ada');
    useCatalog(null);
    expect(t('hello_name', 'Ada')).toBe('hello_name Ada');
  });
});

describe('_locales', () => {
  it('has the default locale the manifest names, and Simplified Chinese', () => {
    expect(DEFAULT).toBe('en');
    expect(locales).toContain('en');
    expect(locales).toContain('zh_CN');
    expect(Object.keys(reference).length).toBeGreaterThan(20);
  });

  it.each(locales)('%s has exactly the keys of the default locale', (locale) => {
    expect(Object.keys(catalogs.get(locale) ?? {}).sort()).toEqual(Object.keys(reference).sort());
  });

  it.each(locales)(
    '%s: every message is non-empty, with the placeholders of the default locale',
    (locale) => {
      for (const [key, entry] of Object.entries(catalogs.get(locale) ?? {})) {
        const base = reference[key];
        expect(entry.message.trim(), key).not.toBe('');
        expect(placeholderContents(entry), key).toEqual(base ? placeholderContents(base) : {});
        expect(referenced(entry.message), key).toEqual(base ? referenced(base.message) : []);
        for (const name of referenced(entry.message))
          expect(placeholderContents(entry)[name], `${key}: $${name}$`).toBeDefined();
      }
    },
  );

  it('every key the code uses exists in the default locale', () => {
    expect(uses.size).toBeGreaterThan(10);
    const missing = [...uses].filter(([key]) => !(key in reference)).map(([key, at]) => `${key} (${at[0]})`);
    expect(missing).toEqual([]);
  });

  it('every key of the default locale is used by the code', () => {
    expect(Object.keys(reference).filter((key) => !uses.has(key))).toEqual([]);
  });

  it("each locale names its own language tag (the pages' lang)", () => {
    for (const [locale, catalog] of catalogs)
      expect(catalog.locale_tag?.message).toBe(locale.replace('_', '-'));
  });

  it('the manifest takes its name, description and button title from _locales', () => {
    const raw = readFileSync(resolve(ROOT, 'manifest.json'), 'utf8');
    const m = JSON.parse(raw) as { name: string; description: string; action: { default_title: string } };
    for (const value of [m.name, m.description, m.action.default_title])
      expect(value).toMatch(/^__MSG_\w+__$/);
  });

  // Chinese text carries at least one CJK character, unless the message holds no words to translate.
  it('zh_CN is translated: no message left in English', () => {
    const zh = catalogs.get('zh_CN') ?? {};
    const untranslated = Object.entries(zh)
      .filter(([key]) => key !== 'locale_tag')
      .filter(([, entry]) => /[A-Za-z]{2,}/.test(entry.message.replace(/\$[A-Za-z0-9_@]+\$/g, '')))
      .filter(([, entry]) => !/[\u3400-\u9fff]/.test(entry.message))
      .map(([key]) => key);
    expect(untranslated).toEqual([]);
  });
});
