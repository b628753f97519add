import { type HashSource, hashSourceText } from './error-detail';
import { ChecksumMismatchError } from './errors';
import type { ServerDigest } from './types';

/**
 * A file's SHA-256 held to what is expected of it: the user's hash and the server's digest, each when given;
 * the file is good only when it matches every one given. Pure: the CLI and the extension's save both judge
 * through it, so they say the same thing.
 */

/** An incremental SHA-256 (node:crypto in the CLI, hash-wasm in the browser): bytes in order, once. */
export interface Sha256 {
  update(bytes: Uint8Array): void;
  /** Lowercase hex; call once, after the last update. */
  digestHex(): string;
}

export interface ExpectedHashes {
  /** The user's (lowercase hex), or null. */
  user: string | null;
  server: ServerDigest | null;
}

export interface Verdict {
  sha256: string;
  result: 'verified' | 'mismatch' | 'unchecked';
  note: string | null;
  /** Set when `result` is 'mismatch'. */
  error: ChecksumMismatchError | null;
}

export function judge(sha256: string, expected: ExpectedHashes): Verdict {
  const checks: { source: HashSource; hex: string }[] = [];
  if (expected.user !== null) checks.push({ source: 'user', hex: expected.user });
  if (expected.server !== null) checks.push({ source: expected.server.header, hex: expected.server.sha256 });
  if (checks.length === 0) return { sha256, result: 'unchecked', note: null, error: null };
  const wrong = checks.find((c) => c.hex !== sha256);
  if (wrong) {
    const error = new ChecksumMismatchError(sha256, wrong.hex, wrong.source);
    return { sha256, result: 'mismatch', note: error.message, error };
  }
  return {
    sha256,
    result: 'verified',
    note: `matches ${checks.map((c) => hashSourceText(c.source)).join(' and ')}`,
    error: null,
  };
}

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
