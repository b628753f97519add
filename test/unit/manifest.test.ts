import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(resolve(root, 'manifest.json'), 'utf8')) as Record<string, unknown>;
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');

/** The names in the first column of the README's Permissions table, backticks and the "host" prefix dropped. */
function readmePermissions(text: string): string[] {
  const section = text.split(/^### Permissions$/m)[1]?.split(/^### /m)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `') || line.startsWith('| host `'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? ''));
}

describe('manifest.json', () => {
  it('never runs in incognito windows', () => {
    expect(manifest.incognito).toBe('not_allowed');
  });

  it('asks host access to http and https only', () => {
    expect(manifest.host_permissions).toEqual(['http://*/*', 'https://*/*']);
    expect(JSON.stringify(manifest)).not.toContain('<all_urls>');
  });

  it('opens nothing to web pages', () => {
    for (const key of ['externally_connectable', 'web_accessible_resources', 'content_scripts']) {
      expect(manifest, key).not.toHaveProperty(key);
    }
  });

  it('every permission, and only those, is explained in the README', () => {
    const asked = [...(manifest.permissions as string[]), ...(manifest.host_permissions as string[])];
    expect(readmePermissions(readme).sort()).toEqual(asked.sort());
    // The reader itself: a permission missing from the table is noticed.
    const table =
      '### Permissions\n\n| permission | why |\n| --- | --- |\n| `storage` | settings |\n| host `a`, `b` | x |\n';
    expect(readmePermissions(table)).toEqual(['storage', 'a', 'b']);
  });
});
