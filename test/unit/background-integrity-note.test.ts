import { afterAll, describe, expect, it } from 'vitest';
import { integrityNote } from '../../src/background/file-check';
import { type ExpectedHashes, judge } from '../../src/engine/integrity';
import { useCatalog } from '../../src/shared/i18n';
import { localeCatalog } from './locale-catalog';

const catalog = localeCatalog;

const SHA = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const cases: [string, ExpectedHashes][] = [
  ['nothing expected', { user: null, server: null }],
  ["the user's hash, right", { user: SHA, server: null }],
  ["the user's hash, wrong", { user: OTHER, server: null }],
  ['Repr-Digest, right', { user: null, server: { sha256: SHA, header: 'repr-digest' } }],
  ['Digest, wrong', { user: null, server: { sha256: OTHER, header: 'digest' } }],
  ['both, right', { user: SHA, server: { sha256: SHA, header: 'repr-digest' } }],
  [
    "both, the user's right and the server's wrong",
    { user: SHA, server: { sha256: OTHER, header: 'digest' } },
  ],
  ["both, the user's wrong", { user: OTHER, server: { sha256: SHA, header: 'repr-digest' } }],
];

describe("a file's integrity note in the browser's language", () => {
  afterAll(() => useCatalog(catalog('en')));

  it.each(cases)('in English is the engine’s own wording: %s', (_, expected) => {
    useCatalog(catalog('en'));
    const verdict = judge(SHA, expected);
    expect(integrityNote(verdict, expected)).toBe(verdict.note);
  });

  it('in Chinese names who expected the hash, and both hashes of a mismatch', () => {
    useCatalog(catalog('zh_CN'));
    const both: ExpectedHashes = { user: SHA, server: { sha256: SHA, header: 'repr-digest' } };
    expect(integrityNote(judge(SHA, both), both)).toBe('与你提供的 SHA-256和服务器的 Repr-Digest一致');
    const wrong: ExpectedHashes = { user: SHA, server: { sha256: OTHER, header: 'digest' } };
    expect(integrityNote(judge(SHA, wrong), wrong)).toBe(
      `校验和不符：文件的 SHA-256 为 ${SHA}，但服务器的 Digest 头为 ${OTHER}`,
    );
  });
});
