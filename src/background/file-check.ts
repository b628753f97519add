import { judge, type Verdict } from '../engine/integrity';
import { serializeError } from '../shared/job-state';
import { createSha256 } from '../shared/sha256';
import type { StreamSeal } from '../store/piece-reader';
import type { JobId } from '../store/schema';
import { integrityNote } from './integrity-note';
import type { JobRecords } from './job-records';

export { integrityNote };

/**
 * A job's saved file held to the SHA-256 the user expects and the server's digest, for every save path: the
 * worker's save stream hashes as it streams (`seal`), and a save that hands the browser a Blob of the pieces
 * hashes the pieces as they are stored (save-streams.ts `collect`) and is judged before the browser gets its
 * URL. Either way the verdict is recorded on the job (the popup shows it); a file that differs
 * fails the job, and its pieces are cleared so that a retry fetches the file again instead of saving the same
 * bytes. It rejects then with the ChecksumMismatchError: the caller must not let the file get its name.
 */
export async function checkFile(records: JobRecords, jobId: JobId, sha256: string): Promise<Verdict> {
  const job = await records.get(jobId);
  if (!job) throw new Error('the job is gone');
  const expected = { user: job.expectedSha256 ?? null, server: job.remote?.digest ?? null };
  const verdict = judge(sha256, expected);
  await records.recordIntegrity(jobId, {
    sha256,
    result: verdict.result,
    note: integrityNote(verdict, expected),
  });
  if (!verdict.error) return verdict;
  await records.apply(jobId, { type: 'fail', error: serializeError(verdict.error) });
  await records.clearPieces(jobId);
  throw verdict.error;
}

/** A fresh seal for one save stream of the job: it hashes the stream, and `checkFile` judges the end. */
export async function fileSeal(records: JobRecords, jobId: JobId): Promise<StreamSeal> {
  return {
    hash: await createSha256(),
    check: async (sha256) => {
      await checkFile(records, jobId, sha256);
    },
    binding: async () => {
      const job = await records.get(jobId);
      return Boolean(job?.expectedSha256 || job?.remote?.digest);
    },
  };
}
