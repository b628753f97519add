import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ENGINE = join(import.meta.dirname, '../../src/engine');
const files = readdirSync(ENGINE).filter((f) => f.endsWith('.ts'));

/** Names that would tie the engine to one platform: it gets network, time and storage as parameters. */
const FORBIDDEN = [
  /\bfrom\s+['"]node:/,
  /\bfrom\s+['"](fs|path|http|https|os|crypto|stream|child_process)['"]/,
  /\brequire\(/,
  /\b(chrome|browser)\.\w/,
  /\bindexedDB\b/,
  /\bprocess\.\w/,
  /\bBuffer\b/,
  /(?<![.\w])fetch\(/,
  /\b(window|document|navigator|self)\.\w/,
  /\b(setTimeout|setInterval|performance\.now|Date\.now)\b/,
];

describe('engine purity', () => {
  it('finds the engine sources', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files)('%s uses no platform API and imports only engine modules', (file) => {
    const text = readFileSync(join(ENGINE, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const pattern of FORBIDDEN) expect(text, `${file} matches ${pattern}`).not.toMatch(pattern);
    for (const [, spec] of text.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)) {
      expect(spec, `${file} imports ${spec}`).toMatch(/^\.\/[\w-]+$/);
    }
  });
});
