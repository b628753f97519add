import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };
import { firefoxManifest } from './src/platform/firefox-manifest';

/**
 * Three builds from one config and one source tree:
 * - `vite build --mode cli`: the Node command-line downloader, one ES module in dist-cli/.
 * - `vite build`: the unpacked Chromium extension in dist/ (manifest.json, through @crxjs/vite-plugin). The
 *   offscreen document is not named in the manifest, so it is an extra input.
 * - `vite build --mode firefox`: the Firefox add-on in dist-firefox/, its manifest derived from manifest.json
 *   (src/platform/firefox-manifest.ts), and src/platform/current.ts, the one module that picks the browser's
 *   adapters, resolved to src/platform/firefox.ts. No offscreen document.
 * `--mode firefox-test` (dist-firefox-test/) is the Firefox build with __TEST_REPORT__ on: the add-on also reports
 * its job snapshots to, and takes a restart command from, the loopback server named in its test-report.json
 * (end-to-end tests only: BiDi cannot open the add-on's own pages). Elsewhere that code is dropped as dead.
 */
const FIREFOX_PLATFORM = fileURLToPath(new URL('./src/platform/firefox.ts', import.meta.url));

export default defineConfig(({ mode }) => {
  if (mode === 'cli') {
    return {
      build: {
        ssr: 'src/cli/main.ts',
        outDir: 'dist-cli',
        target: 'node20',
        emptyOutDir: true,
        minify: false,
        rollupOptions: {
          external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
          output: { entryFileNames: 'accel.js', format: 'es' },
        },
      },
    };
  }
  if (mode === 'firefox' || mode === 'firefox-test') {
    const test = mode === 'firefox-test';
    return {
      plugins: [
        crx({ manifest: firefoxManifest(manifest) as unknown as ManifestV3Export, browser: 'firefox' }),
      ],
      resolve: { alias: [{ find: /^(\.\.?\/)+platform\/current$/, replacement: FIREFOX_PLATFORM }] },
      define: { __TEST_REPORT__: JSON.stringify(test) },
      build: {
        outDir: test ? 'dist-firefox-test' : 'dist-firefox',
        emptyOutDir: true,
        target: 'firefox128',
      },
    };
  }
  return {
    plugins: [crx({ manifest: manifest as ManifestV3Export })],
    define: { __TEST_REPORT__: 'false' },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'chrome116',
      rollupOptions: { input: { offscreen: 'src/offscreen/offscreen.html' } },
    },
  };
});
