import type { IntegrityRecord } from '../shared/job-view';

/**
 * A hashed file held again to the hash the user expects now (given after the file was saved): `verified` or
 * `mismatch` against it. With no expected hash, what the save found (against the server's digest) stays.
 */
export function recheck(current: IntegrityRecord, expected: string | null): IntegrityRecord {
  const { sha256 } = current;
  if (expected === null) return current;
  return sha256 === expected
    ? { sha256, result: 'verified', note: 'matches the SHA-256 you gave' }
    : { sha256, result: 'mismatch', note: 'the saved file does not match the SHA-256 you gave' };
}
