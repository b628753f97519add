/// <reference types="chrome" />
// The extension's pages and worker see the `chrome` global; nothing under src/engine may use it.
/** True only in the Firefox end-to-end build (vite.config.ts `--mode firefox-test`): src/platform/test-report.ts. */
declare const __TEST_REPORT__: boolean;
