/**
 * The one `browser` object the extension's code calls: webextension-polyfill's promise API.
 *
 * - Firefox: the polyfill finds the native `browser` (promises already) and hands it back unchanged.
 * - Chromium: it wraps `chrome` in a Proxy that turns each callback-style call it knows into a promise, rejects on
 *   `chrome.runtime.lastError`, and lets a `runtime.onMessage` listener answer by returning a promise. APIs it has
 *   no metadata for (offscreen, declarativeNetRequest, storage.session, runtime.getContexts) pass through to
 *   `chrome`, whose MV3 methods return promises themselves.
 * - Node unit tests: the polyfill checks `chrome.runtime.id` when it is first evaluated, so the unit project's setup
 *   file (test/unit/setup-chrome.ts) installs test/unit/fake-chrome.ts's `chrome` before any test module loads;
 *   that fake answers callbacks as Chromium does, so the polyfill's wrapping is what the tests exercise.
 *
 * Types come from @types/webextension-polyfill (Firefox's schema). Where Chromium-only APIs are needed, the
 * adapters under src/platform/ say so.
 */
import type { Browser } from 'webextension-polyfill';
import polyfill from 'webextension-polyfill';

export type { Browser, Downloads, Menus, Runtime, Storage, Tabs, WebRequest } from 'webextension-polyfill';

export const browser: Browser = polyfill;
