/**
 * The browser's adapters, chosen at build time: this module is Chromium's; the Firefox build (vite.config.ts)
 * resolves every import of it to ./firefox.ts instead. Node tests get Chromium's, over the fake chrome.
 */
export { platform } from './chromium';
