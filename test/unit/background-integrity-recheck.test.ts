import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRecords } from '../../src/background/job-records';
import { useCatalog } from '../../src/shared/i18n';
import type { JobState } from '../../src/shared/job-state';
import type { IntegrityRecord } from '../../src/shared/job-view';
import { putJob } from '../../src/store/jobs';
import { type JobId, newJobId, openStore, type Store } from '../../src/store/schema';
import { runningJob, testRemote } from '../helpers/stored-jobs';
import { localeCatalog } from './locale-catalog';

const catalog = localeCatalog;

const SHA = 'ab'.repeat(32);
const OTHER = 'cd'.repeat(32);
const COMPLETED: JobState = { status: 'completed', downloadId: 7 };

let db: Store;
let id: JobId;
let records: JobRecords;

beforeEach(async () => {
  db = await openStore(`recheck-${Math.random()}`);
  id = newJobId();
  records = new JobRecords(db);
});
afterEach(() => {
  db.close();
  useCatalog(catalog('en'));
});

/** A job whose saved file hashed to SHA, judged by its save as `integrity` says. */
async function saved(
  integrity: IntegrityRecord,
  { state = COMPLETED, digest = null }: { state?: JobState; digest?: string | null } = {},
) {
  const remote = {
    ...testRemote(4),
    digest: digest === null ? null : { sha256: digest, header: 'repr-digest' as const },
  };
  await putJob(db, runningJob(id, remote, { state, integrity }));
}

const unchecked: IntegrityRecord = { sha256: SHA, result: 'unchecked', note: null };

async function expectHash(sha256: string | null): Promise<IntegrityRecord | null | undefined> {
  await records.expectSha256(id, sha256);
  const job = await records.get(id);
  expect(job?.expectedSha256).toBe(sha256);
  return job?.integrity;
}

describe('a saved file judged again when the user gives or clears the hash they expect', () => {
  it('is verified by the right hash', async () => {
    await saved(unchecked);
    expect(await expectHash(SHA)).toEqual({
      sha256: SHA,
      result: 'verified',
      note: 'matches the SHA-256 you gave',
    });
  });

  it('is a mismatch by a wrong hash, with both hashes in the note', async () => {
    await saved(unchecked);
    expect(await expectHash(OTHER)).toEqual({
      sha256: SHA,
      result: 'mismatch',
      note: `checksum mismatch: the file's SHA-256 is ${SHA}, but the SHA-256 you gave is ${OTHER}`,
    });
  });

  it('is unchecked again, with no note, once a wrong hash is cleared (no server digest)', async () => {
    await saved(unchecked);
    expect((await expectHash(OTHER))?.result).toBe('mismatch');
    expect(await expectHash(null)).toEqual({ sha256: SHA, result: 'unchecked', note: null });
  });

  it("is held to the server's digest alone once the user's hash is cleared", async () => {
    await saved(unchecked, { digest: SHA });
    expect((await expectHash(OTHER))?.result).toBe('mismatch');
    expect(await expectHash(null)).toEqual({
      sha256: SHA,
      result: 'verified',
      note: "matches the server's Repr-Digest",
    });
  });

  it("names both the user's hash and the server's digest when a verified file matches both", async () => {
    await saved(
      { sha256: SHA, result: 'verified', note: "matches the server's Repr-Digest" },
      { digest: SHA },
    );
    expect(await expectHash(SHA)).toEqual({
      sha256: SHA,
      result: 'verified',
      note: "matches the SHA-256 you gave and the server's Repr-Digest",
    });
  });

  it('judges a completing job too: its file is hashed, the browser still writing it', async () => {
    const unchecked: IntegrityRecord = { sha256: SHA, result: 'unchecked', note: null };
    await saved(unchecked, { state: { status: 'completing', downloadId: 7 } });
    expect(await expectHash(OTHER)).toMatchObject({ sha256: SHA, result: 'mismatch' });
    expect(await expectHash(SHA)).toMatchObject({ sha256: SHA, result: 'verified' });
  });

  it.each<JobState>([
    { status: 'running' },
    {
      status: 'failed',
      error: { name: 'ChecksumMismatchError', code: 'CHECKSUM_MISMATCH', message: 'checksum mismatch' },
    },
  ])('leaves the integrity of a job whose file is not hashed whole as it is: %j', async (state) => {
    const mismatch: IntegrityRecord = { sha256: SHA, result: 'mismatch', note: 'as the save found it' };
    await saved(mismatch, { state });
    expect(await expectHash(SHA)).toEqual(mismatch);
  });

  it('leaves a job with no hashed file without an integrity record', async () => {
    await putJob(db, runningJob(id, testRemote(4), { state: COMPLETED }));
    expect(await expectHash(SHA)).toBeUndefined();
  });

  it("writes the note in the browser's language", async () => {
    useCatalog(catalog('zh_CN'));
    await saved(unchecked, { digest: SHA });
    expect((await expectHash(SHA))?.note).toBe('与你提供的 SHA-256和服务器的 Repr-Digest一致');
    expect((await expectHash(OTHER))?.note).toBe(
      `校验和不符：文件的 SHA-256 为 ${SHA}，但你提供的 SHA-256为 ${OTHER}`,
    );
  });
});
