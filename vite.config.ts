import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

/**
 * Two builds from one config:
 * - `vite build --mode cli`: the Node command-line downloader, one ES module in dist-cli/.
 * - `vite build`: the unpacked extension in dist/ (added with the extension).
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
  return {};
});
