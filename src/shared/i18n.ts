/**
 * The extension's strings, from `_locales/<lang>/messages.json` through the browser's i18n API (chrome.i18n in
 * Chromium, the same object in Firefox). Keys are given to t() as string literals, so test/unit/locales.test.ts
 * can find every key the code uses and check that each locale has it.
 *
 * Outside the browser (Node unit tests) there is no i18n API: a catalog given to `useCatalog` (a messages.json
 * object) is formatted with the browser's own substitution rules, and without one the key itself is returned,
 * followed by its substitutions, so a test never sees an empty string.
 */

/** One entry of a messages.json file. */
export interface CatalogEntry {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}
export type Catalog = Record<string, CatalogEntry>;

type Substitution = string | number;

interface I18nApi {
  getMessage(key: string, substitutions?: string | string[]): string;
  getUILanguage(): string;
}

let catalog: Catalog | null = null;

/** Node tests: format messages from this catalog instead of the browser's (null to drop it). */
export function useCatalog(messages: Catalog | null): void {
  catalog = messages === null ? null : lowerKeys(messages);
}

function lowerKeys(messages: Catalog): Catalog {
  return Object.fromEntries(Object.entries(messages).map(([k, v]) => [k.toLowerCase(), v]));
}

function api(): I18nApi | null {
  const g = globalThis as { chrome?: { i18n?: Partial<I18nApi> }; browser?: { i18n?: Partial<I18nApi> } };
  const i18n = g.chrome?.i18n ?? g.browser?.i18n;
  return typeof i18n?.getMessage === 'function' ? (i18n as I18nApi) : null;
}

/** The message for `key` with `$1`…`$9` (through its placeholders) replaced by `substitutions`. */
export function t(key: string, ...substitutions: Substitution[]): string {
  const subs = substitutions.map(String);
  if (catalog === null) {
    const message = api()?.getMessage(key, subs);
    if (message) return message;
  } else {
    const entry = catalog[key.toLowerCase()];
    if (entry) return formatMessage(entry, subs);
  }
  return subs.length > 0 ? `${key} ${subs.join(' ')}` : key;
}

/**
 * The browser's formatting of one message: `$name$` becomes its placeholder's content, in which `$1`…`$9` are
 * the substitutions (missing ones empty) and `$$` a dollar sign.
 */
export function formatMessage(entry: CatalogEntry, substitutions: readonly string[]): string {
  const placeholders = new Map(
    Object.entries(entry.placeholders ?? {}).map(([name, p]) => [name.toLowerCase(), p.content]),
  );
  const numbered = (text: string) =>
    text.replace(/\$(\$|[1-9])/g, (_, d: string) => (d === '$' ? '$' : (substitutions[Number(d) - 1] ?? '')));
  return entry.message.replace(/\$(\$|[1-9]|[A-Za-z0-9_@]+\$)/g, (whole, inner: string) => {
    if (inner === '$') return '$';
    if (/^[1-9]$/.test(inner)) return substitutions[Number(inner) - 1] ?? '';
    const content = placeholders.get(inner.slice(0, -1).toLowerCase());
    return content === undefined ? whole : numbered(content);
  });
}

/**
 * The language the messages are shown in, as a BCP 47 tag (`zh-CN`, `en`): each catalog names its own
 * language, so this is the locale the browser picked from _locales (its `@@ui_locale` is the browser's UI
 * language, which may differ); `en` without an i18n API.
 */
export function uiLanguage(): string {
  return t('locale_tag').replace('locale_tag', 'en');
}
