#!/usr/bin/env node
import { existsSync } from 'node:fs';

const entry = new URL('../dist-cli/accel.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('accel: not built yet; run `npm ci` (or `npm run build`) in the repository first\n');
  process.exit(2);
}
await import(entry.href);
