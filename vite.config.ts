import { builtinModules } from 'node:module';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };

/**
 * Two builds from one config:
 * - `vite build --mode cli`: the Node command-line downloader, one ES module in dist-cli/.
 * - `vite build`: the unpacked extension in dist/ (manifest.json, through @crxjs/vite-plugin). The offscreen
 *   document is not named in the manifest, so it is an extra input.
 */
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
  return {
    plugins: [crx({ manifest: manifest as ManifestV3Export })],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'chrome116',
      rollupOptions: { input: { offscreen: 'src/offscreen/offscreen.html' } },
    },
  };
});
