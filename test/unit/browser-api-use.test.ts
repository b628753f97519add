import { readdirSync, readFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Code both browsers share calls `browser.*` from src/shared/browser-api.ts (webextension-polyfill); `chrome.*`
 * is left to the Chromium-only adapters. @types/chrome also declares a global `browser`, so a file that uses it
 * without the import would compile and then fail in Chromium, where no such global exists: the check below
 * catches that. Each check is a pure function over file texts, seen to fail on a tiny input first.
 */

const ROOT = resolve(import.meta.dirname, '../..');
/** Chromium-only: its offscreen document and runtime.getContexts have no polyfill metadata or Firefox twin. */
const CHROMIUM_ONLY = new Set(['src/platform/offscreen-saves.ts']);

const TOKENS = /'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\[\s\S]|[^`\\])*`|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;
/** Code only: comments and string literals blanked. */
const codeOf = (text: string) => text.replace(TOKENS, (t) => t.replace(/[^\n]/g, ' '));
const CHROME_API = /(?<![\w$.])chrome\.[a-z]\w*/;
const BROWSER_USE = /(?<![\w$.])browser\.[a-z]\w*/;
const BROWSER_IMPORT =
  /import\s*\{[^}]*(?<![\w$])browser(?![\w$])[^}]*\}\s*from\s*'[./]+(?:shared\/)?browser-api'/;

function violations(files: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [path, text] of files) {
    if (path === 'src/shared/browser-api.ts') continue;
    const code = codeOf(text);
    if (!CHROMIUM_ONLY.has(path) && CHROME_API.test(code)) found.push(`${path}: calls chrome.*`);
    if (BROWSER_USE.test(code) && !BROWSER_IMPORT.test(text))
      found.push(`${path}: browser.* without the import`);
  }
  return found.sort();
}

function sources(): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(resolve(ROOT, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const full = resolve(entry.parentPath, entry.name);
    files.set(posix.relative(ROOT, full.split('\\').join('/')), readFileSync(full, 'utf8'));
  }
  return files;
}

describe('the browser API the shared code calls', () => {
  it('is seen to catch a chrome.* call and a browser.* use without its import', () => {
    const files = new Map([
      ['src/a.ts', 'await chrome.downloads.search({ id: 1 });\n'],
      ['src/b.ts', "browser.runtime.getURL('');\n"],
      ['src/c.ts', "import { browser } from '../shared/browser-api';\nbrowser.runtime.getURL('');\n"],
      ['src/d.ts', "// chrome.downloads.search in a comment\nconst s = 'chrome.tabs';\n"],
      ['src/platform/offscreen-saves.ts', 'chrome.offscreen.createDocument();\n'],
    ]);
    expect(violations(files)).toEqual(['src/a.ts: calls chrome.*', 'src/b.ts: browser.* without the import']);
  });

  it('holds for every file under src/', () => {
    const files = sources();
    expect(files.size).toBeGreaterThan(50);
    expect(violations(files)).toEqual([]);
  });
});
