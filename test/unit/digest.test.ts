import { describe, expect, it } from 'vitest';
import { legacyDigestSha256, parseDictionary, reprDigestSha256, serverDigest } from '../../src/engine/digest';
import { judge } from '../../src/engine/integrity';

// SHA-256 of "" and of "hello", as base64 and hex.
const EMPTY_B64 = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
const EMPTY_HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const HELLO_B64 = 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=';
const HELLO_HEX = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
const SHA512_B64 = 'z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==';

describe('Repr-Digest (RFC 9530)', () => {
  it.each([
    [`sha-256=:${EMPTY_B64}:`, EMPTY_HEX],
    [`sha-512=:${SHA512_B64}:, sha-256=:${HELLO_B64}:`, HELLO_HEX],
    [`sha-256=:${HELLO_B64}:;p=1, md5=:AAAAAAAAAAAAAAAAAAAAAA==:`, HELLO_HEX],
    [`  sha-256=:${HELLO_B64}:  `, HELLO_HEX],
    [`unixsum=1234, sha-256=:${HELLO_B64}:`, HELLO_HEX],
    [`x="a, b", sha-256=:${HELLO_B64}:, y=(1 2);q, z, w=?1, t=tok/en`, HELLO_HEX],
    // A later duplicate overrides the earlier one (RFC 8941 dictionary semantics).
    [`sha-256=:${EMPTY_B64}:, sha-256=:${HELLO_B64}:`, HELLO_HEX],
    // Only sha-256 is used: other algorithms are ignored.
    [`sha-512=:${SHA512_B64}:`, null],
    // Not a byte sequence, wrong length, bad base64, upper-case key (not an sf-key): no digest.
    [`sha-256="${HELLO_B64}"`, null],
    ['sha-256=:AAAA:', null],
    [`sha-256=:${HELLO_B64.slice(1)}:`, null],
    [`SHA-256=:${HELLO_B64}:`, null],
    // The whole field fails to parse: ignored whole.
    [`sha-256=:${HELLO_B64}:,`, null],
    [`sha-256=:${HELLO_B64}: garbage`, null],
    [`sha-256=:${HELLO_B64}`, null],
    ['', null],
  ])('%s → %s', (field, hex) => {
    expect(reprDigestSha256(field)).toBe(hex);
  });

  it('parses a dictionary into its members, and refuses a malformed one', () => {
    expect([...(parseDictionary('a=1, b, c=:AA==:') ?? new Map()).keys()]).toEqual(['a', 'b', 'c']);
    expect(parseDictionary('a=1,,b')).toBeNull();
    expect(parseDictionary('a=(1 2')).toBeNull();
    expect(parseDictionary('a="unterminated')).toBeNull();
  });
});

describe('legacy Digest (RFC 3230)', () => {
  it.each([
    [`SHA-256=${HELLO_B64}`, HELLO_HEX],
    [`sha-256=${HELLO_B64}`, HELLO_HEX],
    [`MD5=XUFAKrxLKna5cZ2REBfFkg==, SHA-256=${EMPTY_B64}`, EMPTY_HEX],
    [`SHA=qvTGHdzF6KLavt4PO0gs2a6pQ00=, SHA-256= ${HELLO_B64} `, HELLO_HEX],
    ['MD5=XUFAKrxLKna5cZ2REBfFkg==', null],
    ['SHA-256=AAAA', null],
    ['SHA-256=not base64!', null],
    ['SHA-256', null],
  ])('%s → %s', (field, hex) => {
    expect(legacyDigestSha256(field)).toBe(hex);
  });
});

describe('the server digest of a response', () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  it('prefers Repr-Digest, falls back to Digest, and is null without either', () => {
    expect(
      serverDigest(headers({ 'repr-digest': `sha-256=:${HELLO_B64}:`, digest: `SHA-256=${EMPTY_B64}` })),
    ).toEqual({ sha256: HELLO_HEX, header: 'repr-digest' });
    expect(
      serverDigest(headers({ 'repr-digest': `sha-512=:${SHA512_B64}:`, digest: `SHA-256=${EMPTY_B64}` })),
    ).toEqual({ sha256: EMPTY_HEX, header: 'digest' });
    expect(serverDigest(headers({ 'content-digest': `sha-256=:${HELLO_B64}:` }))).toBeNull();
    expect(serverDigest(headers({}))).toBeNull();
  });
});

describe('judging a file by its SHA-256', () => {
  const repr = { sha256: HELLO_HEX, header: 'repr-digest' as const };
  it.each([
    [{ user: null, server: null }, 'unchecked', null],
    [{ user: HELLO_HEX, server: null }, 'verified', 'matches the SHA-256 you gave'],
    [{ user: null, server: repr }, 'verified', "matches the server's Repr-Digest"],
    [
      { user: HELLO_HEX, server: repr },
      'verified',
      "matches the SHA-256 you gave and the server's Repr-Digest",
    ],
    [{ user: EMPTY_HEX, server: repr }, 'mismatch', `but the SHA-256 you gave is ${EMPTY_HEX}`],
    [
      { user: HELLO_HEX, server: { sha256: EMPTY_HEX, header: 'digest' as const } },
      'mismatch',
      "the server's Digest header",
    ],
  ])('%j → %s', (expected, result, note) => {
    const verdict = judge(HELLO_HEX, expected);
    expect(verdict.result).toBe(result);
    if (note === null) expect(verdict.note).toBeNull();
    else expect(verdict.note).toContain(note);
    expect(verdict.error?.code ?? null).toBe(result === 'mismatch' ? 'CHECKSUM_MISMATCH' : null);
  });
});
