import { defineConfig } from 'vitest/config';

/** `npm run bench:browser`: the Chromium and Firefox benchmark, kept out of `npm test`. */
export default defineConfig({
  define: { __TEST_REPORT__: 'false' },
  test: {
    include: ['test/e2e/browser.bench.ts'],
    // The benchmark imports the extension's shared modules, and with them webextension-polyfill.
    setupFiles: ['test/unit/setup-chrome.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
