import { type ExpectedHashes, judge, type Verdict } from '../engine/integrity';
import { detailText, hashSourceText } from '../shared/error-text';
import { t } from '../shared/i18n';
import type { IntegrityRecord } from '../shared/job-view';
import type { JobRecord } from '../store/schema';

/** The verdict's note in the browser's language (the engine's own is English, for the CLI). */
export function integrityNote(verdict: Verdict, expected: ExpectedHashes): string | null {
  if (verdict.result === 'verified') {
    const user = expected.user === null ? null : hashSourceText('user');
    const server = expected.server === null ? null : hashSourceText(expected.server.header);
    const sources = user && server ? t('hash_sources_both', user, server) : (user ?? server ?? '');
    return t('hash_note_matches', sources);
  }
  if (verdict.result === 'mismatch' && verdict.error) return detailText(verdict.error.detail);
  return verdict.note;
}

/**
 * A saved file judged again when the user sets or clears the hash they expect (`user`, null: none) after the
 * save: the same judgement as the save's (the user's hash and the server's digest, each when given), so
 * clearing it leaves the server's digest alone, or nothing. Only a job whose whole file is hashed (completed,
 * or completing: hashed, the browser still writing it) is judged again: any other job is hashed when it is
 * saved (a failed one's bytes are gone), so its record is returned as it is.
 */
export function recheck(job: JobRecord, user: string | null): IntegrityRecord | null | undefined {
  const current = job.integrity;
  const hashed = job.state.status === 'completed' || job.state.status === 'completing';
  if (!current || !hashed) return current;
  const expected: ExpectedHashes = { user, server: job.remote?.digest ?? null };
  const verdict = judge(current.sha256, expected);
  return { sha256: current.sha256, result: verdict.result, note: integrityNote(verdict, expected) };
}
