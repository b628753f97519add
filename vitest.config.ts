import { defineConfig } from 'vitest/config';

/**
 * Unit and integration tests run in parallel in Node. End-to-end tests drive real Chromium with the built
 * extension (dist/, built by `npm test` first): one file at a time, after the unit tests, with long timeouts.
 */
export default defineConfig({
  test: {
    projects: [
      {
        // The Firefox end-to-end build's switch (vite.config.ts): off in Node.
        define: { __TEST_REPORT__: 'false' },
        test: {
          name: 'unit',
          // Integration tests move real bytes through real sockets and child processes on a shared machine.
          testTimeout: 30_000,
          expect: { poll: { timeout: 10_000 } },
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/server/**/*.test.ts'],
          environment: 'node',
          // The fake `chrome` webextension-polyfill needs to find when src/shared/browser-api.ts is imported.
          setupFiles: ['test/unit/setup-chrome.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        define: { __TEST_REPORT__: 'false' },
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          environment: 'node',
          // Tests import the extension's shared modules (protocol, settings), and with them the polyfill.
          setupFiles: ['test/unit/setup-chrome.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // expect.poll gives up after 1 s by default: too short for a browser on a shared, loaded machine.
          expect: { poll: { timeout: 20_000, interval: 100 } },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
