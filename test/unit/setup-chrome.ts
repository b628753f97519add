/**
 * The unit project's setup file: installs the fake `chrome` before any test module is imported, so that
 * webextension-polyfill (evaluated when src/shared/browser-api.ts is first imported) finds `chrome.runtime.id`.
 */
import './fake-chrome';
import { useCatalog } from '../../src/shared/i18n';
import { localeCatalog } from './locale-catalog';

// Node has no i18n API: the extension's strings come from the default locale's catalog, as the browser's would.
useCatalog(localeCatalog('en'));
