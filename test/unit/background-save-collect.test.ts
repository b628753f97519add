import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SaveStreams } from '../../src/background/save-streams';
import { ChecksumMismatchError } from '../../src/engine/errors';
import { createSha256 } from '../../src/shared/sha256';
import { putJob } from '../../src/store/jobs';
import type { StreamSeal } from '../../src/store/piece-reader';
import { putPiece } from '../../src/store/pieces';
import { type JobId, newJobId, openStore, type Store } from '../../src/store/schema';
import { runningJob, testRemote } from '../helpers/stored-jobs';

/**
 * A Firefox save's file (SaveStreams.collect): the Blob is handed over when the last piece is stored, after
 * the hash when a hash is expected (a wrong file is never handed over), before it otherwise; `judged` then
 * tells whether the hash, finished later, refused the file.
 */

const SIZE = 40;
const remote = testRemote(SIZE);
const file = Uint8Array.from({ length: SIZE }, (_, i) => (i * 13 + 1) % 256);
const fileSha = createHash('sha256').update(file).digest('hex');
const piece = (start: number, end: number) => new Blob([file.slice(start, end + 1)]);

let db: Store;
let id: JobId;

beforeEach(async () => {
  db = await openStore(`save-collect-${Math.random()}`);
  id = newJobId();
  await putJob(db, runningJob(id, remote));
});
afterEach(() => db.close());

/** A seal whose check accepts or refuses (a refusal throws the mismatch, as file-check.ts does). */
function sealed(opts: { accept: boolean; binding: boolean; checkDelayMs?: number }) {
  const seen: string[] = [];
  const seal = async (): Promise<StreamSeal> => ({
    hash: await createSha256(),
    check: async (sha) => {
      await new Promise((r) => setTimeout(r, opts.checkDelayMs ?? 0));
      seen.push(sha);
      if (!opts.accept) throw new ChecksumMismatchError(sha, '0'.repeat(64), 'user');
    },
    binding: async () => opts.binding,
  });
  return { seen, streams: new SaveStreams(db, seal) };
}

async function storeAll() {
  await putPiece(db, id, 0, piece(0, 19));
  await putPiece(db, id, 20, piece(20, 39));
}

describe('SaveStreams.collect', () => {
  it('with a hash expected, hands the file over only after the hash passed', async () => {
    const { seen, streams } = sealed({ accept: true, binding: true, checkDelayMs: 50 });
    const url = streams.create(id, remote);
    await storeAll();
    const { blob, filename } = await streams.collect(url);
    expect(seen).toEqual([fileSha]);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(file);
    expect(filename).toBe(remote.filename);
    expect(await streams.judged(url)).toBe(true);
  });

  it('with a hash expected and refused, hands nothing over and rejects with the mismatch', async () => {
    const { seen, streams } = sealed({ accept: false, binding: true });
    const url = streams.create(id, remote);
    await storeAll();
    await expect(streams.collect(url)).rejects.toBeInstanceOf(ChecksumMismatchError);
    expect(seen).toEqual([fileSha]);
    expect(streams.failedHere(url)).toBe(true);
  });

  it('with no hash expected, hands the file over without waiting for the hash, which `judged` waits for', async () => {
    const { seen, streams } = sealed({ accept: true, binding: false, checkDelayMs: 200 });
    const url = streams.create(id, remote);
    await storeAll();
    const { blob } = await streams.collect(url);
    expect(blob.size).toBe(SIZE);
    expect(seen).toEqual([]); // still hashing
    expect(await streams.judged(url)).toBe(true);
    expect(seen).toEqual([fileSha]);
  });

  it('a hash finished after the hand-over that refuses the file makes `judged` false', async () => {
    const { streams } = sealed({ accept: false, binding: false, checkDelayMs: 50 });
    const url = streams.create(id, remote);
    await storeAll();
    await streams.collect(url);
    expect(await streams.judged(url)).toBe(false);
  });

  it('serves a URL once, and a closed URL aborts its collection', async () => {
    const { streams } = sealed({ accept: true, binding: true });
    const url = streams.create(id, remote);
    await putPiece(db, id, 0, piece(0, 19));
    const collected = streams.collect(url);
    collected.catch(() => {});
    await expect(streams.collect(url)).rejects.toThrow('no such save');
    streams.close(url);
    await expect(collected).rejects.toMatchObject({ name: 'AbortError' });
    expect(streams.failedHere(url)).toBe(false);
  });
});
