import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkFile } from '../../src/background/file-check';
import { JobRecords } from '../../src/background/job-records';
import { putJob } from '../../src/store/jobs';
import { putPiece } from '../../src/store/pieces';
import { type JobId, newJobId, openStore, type Store } from '../../src/store/schema';
import { runningJob, testRemote } from '../helpers/stored-jobs';

const RIGHT = 'ab'.repeat(32);
const WRONG = 'cd'.repeat(32);

let db: Store;
let id: JobId;
let records: JobRecords;

beforeEach(async () => {
  db = await openStore(`check-${Math.random()}`);
  id = newJobId();
  records = new JobRecords(db);
});
afterEach(() => db.close());

async function job(extra: Parameters<typeof runningJob>[2] = {}, digest: string | null = null) {
  const remote = {
    ...testRemote(4),
    digest: digest === null ? null : { sha256: digest, header: 'repr-digest' as const },
  };
  await putJob(db, runningJob(id, remote, extra));
  await putPiece(db, id, 0, new Blob([new Uint8Array(4)]));
}

describe('checkFile', () => {
  it('records the hash alone when nothing is expected', async () => {
    await job();
    await expect(checkFile(records, id, RIGHT)).resolves.toMatchObject({ result: 'unchecked' });
    expect((await records.get(id))?.integrity).toEqual({ sha256: RIGHT, result: 'unchecked', note: null });
  });

  it('verifies against the user hash and the server digest together', async () => {
    await job({ expectedSha256: RIGHT }, RIGHT);
    await checkFile(records, id, RIGHT);
    const stored = await records.get(id);
    expect(stored?.integrity?.result).toBe('verified');
    expect(stored?.integrity?.note).toBe("matches the SHA-256 you gave and the server's Repr-Digest");
    expect(stored?.state.status).toBe('running');
    expect(stored?.done).toHaveLength(1);
  });

  it.each([
    [{ expectedSha256: WRONG }, null, 'the SHA-256 you gave'],
    [{}, WRONG, "the server's Repr-Digest"],
  ])('fails the job, says why and clears its pieces on a mismatch (%j, %s)', async (extra, digest, who) => {
    await job(extra, digest);
    await expect(checkFile(records, id, RIGHT)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
    const stored = await records.get(id);
    expect(stored?.state).toMatchObject({ status: 'failed', error: { code: 'CHECKSUM_MISMATCH' } });
    expect(stored?.integrity).toMatchObject({ sha256: RIGHT, result: 'mismatch' });
    expect(stored?.integrity?.note).toContain(who);
    expect(stored?.done).toEqual([]);
  });

  it('holds a file already hashed to a hash the user gives later', async () => {
    await job();
    await checkFile(records, id, RIGHT);
    await records.apply(id, { type: 'fetched' });
    await records.apply(id, { type: 'saved', downloadId: 1 });
    expect((await records.get(id))?.state.status).toBe('completed');
    await records.expectSha256(id, WRONG);
    expect((await records.get(id))?.integrity?.result).toBe('mismatch');
    await records.expectSha256(id, RIGHT);
    expect((await records.get(id))?.integrity?.result).toBe('verified');
  });
});
