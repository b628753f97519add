import { defineConfig } from 'vitest/config';

/** `npm run bench:browser`: the Chromium benchmark, kept out of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/e2e/browser.bench.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
