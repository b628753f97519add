/**
 * The unit project's setup file: installs the fake `chrome` before any test module is imported, so that
 * webextension-polyfill (evaluated when src/shared/browser-api.ts is first imported) finds `chrome.runtime.id`.
 */
import './fake-chrome';
