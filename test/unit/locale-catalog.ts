import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Catalog } from '../../src/shared/i18n';

/** A locale's messages.json, for `useCatalog` in Node tests (the browser would pick it by its UI language). */
export function localeCatalog(locale: string): Catalog {
  return JSON.parse(
    readFileSync(resolve(import.meta.dirname, `../../public/_locales/${locale}/messages.json`), 'utf8'),
  ) as Catalog;
}
