/**
 * The unit project's setup file: installs the fake `chrome` before any test module is imported, so that
 * webextension-polyfill (evaluated when src/shared/browser-api.ts is first imported) finds `chrome.runtime.id`.
 */
import './fake-chrome';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Catalog, useCatalog } from '../../src/shared/i18n';

// Node has no i18n API: the extension's strings come from the default locale's catalog, as the browser's would.
useCatalog(
  JSON.parse(
    readFileSync(resolve(import.meta.dirname, '../../public/_locales/en/messages.json'), 'utf8'),
  ) as Catalog,
);
