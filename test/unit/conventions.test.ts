import { readdirSync, readFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The project's own conventions over src/: files small enough to read in one sitting, no import cycles, and an
 * engine that never touches the platform (it gets network, time and storage as parameters). The checks are
 * pure functions over file texts, tested first on tiny inputs so that each is seen to fail as well as pass, then
 * run on the real tree. Paths are relative to the repository root, with forward slashes.
 */

const MAX_LINES = 300;
const ROOT = resolve(import.meta.dirname, '../..');
const SOURCE = /\.(ts|html|css)$/;

/** Lines as an editor numbers them: a final newline does not start another line. */
function countLines(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** `path (N lines)` for every file over `max` lines, in path order. */
function oversized(files: ReadonlyMap<string, string>, max: number): string[] {
  return [...files]
    .map(([path, text]) => ({ path, lines: countLines(text) }))
    .filter((f) => f.lines > max)
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((f) => `${f.path} (${f.lines} lines)`);
}

// String literals are kept whole (a URL's `//` or an Accept value's `*/*` is no comment); comments become blanks
// of the same line count.
const TOKENS = /'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\[\s\S]|[^`\\])*`|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;

function stripComments(code: string): string {
  return code.replace(TOKENS, (token) =>
    token.startsWith('/*') || token.startsWith('//') ? token.replace(/[^\n]/g, '') : token,
  );
}

// `import x from`, `import type {..} from`, `import '..'`, `export * from`, `export {..} from`, over lines too.
const STATIC_IMPORT =
  /(?<![\w$.])(?:import|export)\s+(?:type\s+)?(?:[\w$*{},\s]+?\s*from\s*)?['"]([^'"\n]+)['"]/g;
const DYNAMIC_IMPORT = /(?<![\w$.])import\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g;

/** The module specifiers a file imports or re-exports, type-only ones included. */
function importSpecifiers(code: string): string[] {
  const text = stripComments(code);
  return [...text.matchAll(STATIC_IMPORT), ...text.matchAll(DYNAMIC_IMPORT)].map((m) => m[1] as string);
}

/** Where a relative specifier points from `from` (no extension added); null for a package or `node:` module. */
function importTarget(from: string, spec: string): string | null {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return null;
  return posix.normalize(posix.join(posix.dirname(from), spec));
}

/** The file a relative import loads: as written, `.js` written for `.ts`, then `.ts`, `.d.ts`, `/index.ts`. */
function resolveImport(from: string, spec: string, files: ReadonlySet<string>): string | null {
  const target = importTarget(from, spec);
  if (target === null) return null;
  const candidates = [
    target,
    target.replace(/\.js$/, '.ts'),
    `${target}.ts`,
    `${target}.d.ts`,
    `${target}/index.ts`,
  ];
  return candidates.find((c) => files.has(c)) ?? null;
}

/** Each file's imports of other files in `files` (deduplicated), and the relative imports that resolve to none. */
function importGraph(files: ReadonlyMap<string, string>): {
  graph: Map<string, string[]>;
  unresolved: string[];
} {
  const paths = new Set(files.keys());
  const graph = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const [path, text] of files) {
    if (!path.endsWith('.ts')) continue;
    const edges = new Set<string>();
    for (const spec of importSpecifiers(text)) {
      if (importTarget(path, spec) === null) continue;
      const file = resolveImport(path, spec, paths);
      if (file) edges.add(file);
      else unresolved.push(`${path} imports ${spec}`);
    }
    graph.set(path, [...edges].sort());
  }
  return { graph, unresolved };
}

/** Strongly connected components (Tarjan): files that can reach each other through imports. */
function components(graph: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const component = new Map<string, number>();
  const stack: string[] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (!component.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      component.set(member, index.get(node)!);
      if (member === node) break;
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return component;
}

/**
 * Every elementary cycle, each once, as a path that starts and ends at its alphabetically first file; at most
 * `limit`. The search stays inside each strongly connected component, so files on no cycle cost nothing.
 */
function findCycles(graph: ReadonlyMap<string, readonly string[]>, limit = 50): string[][] {
  const component = components(graph);
  const cycles: string[][] = [];
  for (const start of [...graph.keys()].sort()) {
    const path = [start];
    const walk = (node: string): void => {
      for (const next of graph.get(node) ?? []) {
        if (cycles.length >= limit) return;
        if (next === start) cycles.push([...path, start]);
        else if (component.get(next) === component.get(start) && next > start && !path.includes(next)) {
          path.push(next);
          walk(next);
          path.pop();
        }
      }
    };
    walk(start);
  }
  return cycles;
}

const ENGINE = 'src/engine/';

/** Names that would tie the engine to one platform: it gets network, time and storage as parameters. */
const FORBIDDEN: readonly RegExp[] = [
  /\bfrom\s+['"]node:/,
  /\bfrom\s+['"](fs|path|http|https|os|crypto|stream|child_process)['"]/,
  /\brequire\(/,
  /\b(chrome|browser)\.\w/,
  /\bindexedDB\b/,
  /\bprocess\.\w/,
  /\bBuffer\b/,
  /(?<![.\w])fetch\(/,
  /\bglobalThis\b/,
  /\b(window|document|navigator|self)\.\w/,
  /\b(setTimeout|setInterval|setImmediate|performance\.now|Date\.now)\b/,
  /\bnew Date\(\s*\)/,
  // A computed import could reach anything; literal ones are checked below.
  /(?<![\w$.])import\s*\((?!\s*['"][^'"\n]+['"]\s*\))/,
];

/** Why the engine file at `path` is not pure: each forbidden name it uses and each import leaving the engine. */
function purityViolations(path: string, code: string): string[] {
  const text = stripComments(code);
  const found = FORBIDDEN.filter((pattern) => pattern.test(text)).map((pattern) => `uses ${pattern}`);
  for (const spec of importSpecifiers(code)) {
    const target = importTarget(path, spec);
    if (target === null || !target.startsWith(ENGINE)) found.push(`imports ${spec}`);
  }
  return found;
}

/** Every file under `dir` (relative to ROOT), recursively, in path order. */
function listFiles(dir: string): string[] {
  return readdirSync(resolve(ROOT, dir), { withFileTypes: true })
    .flatMap((entry) => {
      const path = `${dir}/${entry.name}`;
      return entry.isDirectory() ? listFiles(path) : [path];
    })
    .sort();
}

const sources = new Map(
  listFiles('src')
    .filter((path) => SOURCE.test(path))
    .map((path) => [path, readFileSync(resolve(ROOT, path), 'utf8')] as const),
);
const engineFiles = [...sources.keys()].filter((path) => path.startsWith(ENGINE) && path.endsWith('.ts'));

describe('the checks themselves', () => {
  it('counts lines as an editor does', () => {
    expect([
      countLines(''),
      countLines('a'),
      countLines('a\n'),
      countLines('a\nb'),
      countLines('a\n\n'),
    ]).toEqual([0, 1, 1, 2, 2]);
  });

  it('lists every file over the limit, and nothing when none is', () => {
    const files = new Map([
      ['src/b.ts', 'x\n'.repeat(4)],
      ['src/a.css', 'x\n'.repeat(5)],
      ['src/c.html', 'x\n'.repeat(3)],
    ]);
    expect(oversized(files, 3)).toEqual(['src/a.css (5 lines)', 'src/b.ts (4 lines)']);
    expect(oversized(files, 5)).toEqual([]);
  });

  it('finds static, type-only, side-effect, re-exported and dynamic imports, not look-alikes', () => {
    const code = [
      "import { a, type B } from './a';",
      "import type { C } from '../c';",
      'import {',
      '  d,',
      '  e,',
      "} from './de';",
      "import './side-effect';",
      "export * from './star';",
      "export { f } from './f';",
      "export type { G } from './g';",
      "const h = await import('./h');",
      "// import { x } from './commented';",
      "/* import { y } from './block'; */",
      "const accept = 'text/*'; // neither a string's /* nor its // starts a comment",
      "import './after-accept';",
      "const glob = '*/x', url = 'https://example.org/';",
      "import './after-url';",
      "export { a }; const s = 'from \\'./not-an-import\\'';",
    ].join('\n');
    expect(importSpecifiers(code)).toEqual([
      './a',
      '../c',
      './de',
      './side-effect',
      './star',
      './f',
      './g',
      './after-accept',
      './after-url',
      './h',
    ]);
  });

  it('resolves relative imports to files and leaves packages alone', () => {
    const files = new Set(['src/a/b.ts', 'src/a/dir/index.ts', 'src/c.ts', 'src/a/d.ts']);
    expect(resolveImport('src/a/x.ts', './b', files)).toBe('src/a/b.ts');
    expect(resolveImport('src/a/x.ts', './dir', files)).toBe('src/a/dir/index.ts');
    expect(resolveImport('src/a/x.ts', '../c', files)).toBe('src/c.ts');
    expect(resolveImport('src/a/x.ts', './d.js', files)).toBe('src/a/d.ts');
    expect(resolveImport('src/a/x.ts', './missing', files)).toBeNull();
    expect(resolveImport('src/a/x.ts', 'idb', files)).toBeNull();
    expect(importTarget('src/engine/policies/p.ts', '../../store/x')).toBe('src/store/x');
  });

  it('builds the graph from files and reports relative imports that resolve to nothing', () => {
    const { graph, unresolved } = importGraph(
      new Map([
        [
          'src/a.ts',
          "import { b } from './b';\nimport type { B } from './b';\nimport { openDB } from 'idb';",
        ],
        ['src/b.ts', "import { gone } from './gone';"],
        ['src/page.html', '<script type="module" src="./a.ts"></script>'],
      ]),
    );
    expect(Object.fromEntries(graph)).toEqual({ 'src/a.ts': ['src/b.ts'], 'src/b.ts': [] });
    expect(unresolved).toEqual(['src/b.ts imports ./gone']);
  });

  it('finds each cycle once, and none in a graph without one', () => {
    const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    expect(findCycles(graph({ a: ['b', 'c'], b: ['c'], c: [], d: ['a'] }))).toEqual([]);
    expect(findCycles(graph({ a: ['b'], b: ['a'] }))).toEqual([['a', 'b', 'a']]);
    expect(findCycles(graph({ a: ['a'] }))).toEqual([['a', 'a']]);
    expect(findCycles(graph({ b: ['c'], c: ['a'], a: ['b'], x: ['a'] }))).toEqual([['a', 'b', 'c', 'a']]);
    // One file on two cycles (types <-> rate-limiter, types <-> host-pool): both are listed.
    expect(findCycles(graph({ types: ['rate', 'pool'], rate: ['types'], pool: ['types'] }))).toEqual([
      ['pool', 'types', 'pool'],
      ['rate', 'types', 'rate'],
    ]);
    expect(findCycles(graph({ a: ['b'], b: ['a'], c: ['d'], d: ['c'] }))).toEqual([
      ['a', 'b', 'a'],
      ['c', 'd', 'c'],
    ]);
    const complete = graph(Object.fromEntries(['a', 'b', 'c', 'd'].map((n) => [n, ['a', 'b', 'c', 'd']])));
    expect(findCycles(complete, 3)).toHaveLength(3);
  });

  it('flags each platform name and each import leaving the engine, and passes pure code', () => {
    const samples = [
      'chrome.storage.local.get()',
      'browser.downloads.download({ url })',
      'indexedDB.open("x")',
      'await fetch(url)',
      'await globalThis.fetch(url)',
      'setTimeout(tick, 10)',
      'setInterval(tick, 10)',
      'const t = Date.now();',
      'const t = performance.now();',
      'const d = new Date();',
      "import { readFile } from 'node:fs';",
      "import { join } from 'path';",
      'process.env.X',
      'Buffer.from(x)',
      'document.title',
      "const m = await import(name + '.ts');",
    ];
    for (const sample of samples) expect(purityViolations('src/engine/a.ts', sample), sample).not.toEqual([]);
    expect(purityViolations('src/engine/a.ts', "import { x } from '../store/pieces';")).toEqual([
      'imports ../store/pieces',
    ]);
    expect(purityViolations('src/engine/policies/p.ts', "import type { y } from '../../shared/y';")).toEqual([
      'imports ../../shared/y',
    ]);
    expect(purityViolations('src/engine/a.ts', "import { openDB } from 'idb';")).toEqual(['imports idb']);
    const pure = [
      "import { b } from './b';",
      "import type { T } from './policies/t';",
      "const c = await import('./c');",
      '// Date.now() and fetch() are the caller\'s: see "chrome.downloads".',
      'const d = new Date(0); const now = clock.now(); await ctx.fetcher({ url });',
    ].join('\n');
    expect(purityViolations('src/engine/a.ts', pure)).toEqual([]);
    expect(purityViolations('src/engine/policies/p.ts', "import { t } from '../types';")).toEqual([]);
  });
});

describe('src/ conventions', () => {
  it('reads every source file, in every folder', () => {
    expect(sources.size).toBeGreaterThan(30);
    expect(sources.has('src/background/main.ts')).toBe(true);
    expect([...sources.keys()].some((p) => p.endsWith('.html'))).toBe(true);
    expect([...sources.keys()].some((p) => p.endsWith('.css'))).toBe(true);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    expect(oversized(sources, MAX_LINES), `files over ${MAX_LINES} lines`).toEqual([]);
  });

  // Without this, an import the resolver misread would drop an edge and could hide a cycle.
  it('has only relative imports that resolve to a file', () => {
    expect(importGraph(sources).unresolved).toEqual([]);
  });

  it('has no import cycle (type-only imports count)', () => {
    const cycles = findCycles(importGraph(sources).graph).map((cycle) => cycle.join(' -> '));
    expect(cycles, 'import cycles').toEqual([]);
  });
});

describe('engine purity', () => {
  it('finds the engine sources', () => {
    expect(engineFiles.length).toBeGreaterThan(5);
  });

  it.each(engineFiles)('%s uses no platform API and imports only engine modules', (path) => {
    expect(purityViolations(path, sources.get(path) ?? '')).toEqual([]);
  });
});
