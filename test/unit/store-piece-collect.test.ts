import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { putJob } from '../../src/store/jobs';
import { collectPieces } from '../../src/store/piece-collect';
import { PiecesChangedError } from '../../src/store/piece-reader';
import { clearPieces, putPiece } from '../../src/store/pieces';
import { type JobId, newJobId, openStore, type Store } from '../../src/store/schema';
import { runningJob, testRemote } from '../helpers/stored-jobs';

/**
 * Firefox's save source (src/platform/blob-saves.ts): one Blob of a job's stored pieces, collected as they
 * arrive. It must be exactly the file, and never be a Blob at all when the pieces stop being that file or the
 * save is dropped.
 */

const SIZE = 30;
const remote = testRemote(SIZE);
const file = Uint8Array.from({ length: SIZE }, (_, i) => (i * 11 + 5) % 256);
const piece = (start: number, end: number) => new Blob([file.slice(start, end + 1)]);

let db: Store;
let id: JobId;

beforeEach(async () => {
  db = await openStore(`collect-${Math.random()}`);
  id = newJobId();
  await putJob(db, runningJob(id, remote));
});
afterEach(() => db.close());

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

describe('collectPieces', () => {
  it('resolves with exactly the file once its last piece is stored', async () => {
    let settled = false;
    const collected = collectPieces(db, id, remote, new AbortController().signal).finally(() => {
      settled = true;
    });
    await putPiece(db, id, 20, piece(20, 29));
    await putPiece(db, id, 0, piece(0, 9));
    await tick();
    expect(settled).toBe(false); // bytes 10-19 are missing
    await putPiece(db, id, 10, piece(10, 19));
    const blob = await collected;
    expect(await bytesOf(blob)).toEqual(file);
  });

  it('makes one file of overlapping pieces (a byte stored twice is taken once)', async () => {
    await putPiece(db, id, 0, piece(0, 14));
    await putPiece(db, id, 10, piece(10, 29));
    const blob = await collectPieces(db, id, remote, new AbortController().signal);
    expect(blob.size).toBe(SIZE);
    expect(await bytesOf(blob)).toEqual(file);
  });

  it('rejects when the pieces are cleared under it, even if the rest arrives after', async () => {
    await putPiece(db, id, 0, piece(0, 9));
    const collected = collectPieces(db, id, remote, new AbortController().signal);
    collected.catch(() => {});
    await tick();
    await clearPieces(db, id);
    await putPiece(db, id, 0, piece(0, 29));
    await expect(collected).rejects.toBeInstanceOf(PiecesChangedError);
  });

  it('rejects when the job comes to hold another file before its pieces are all in', async () => {
    await putPiece(db, id, 0, piece(0, 9));
    const collected = collectPieces(db, id, remote, new AbortController().signal);
    collected.catch(() => {});
    await tick();
    await putJob(db, { ...runningJob(id, { ...remote, etag: '"other"' }), done: [{ start: 0, end: 9 }] });
    await putPiece(db, id, 10, piece(10, 29));
    await expect(collected).rejects.toBeInstanceOf(PiecesChangedError);
  });

  it('takes the whole file from pieces stored before it was called', async () => {
    await putPiece(db, id, 10, piece(10, 19));
    await putPiece(db, id, 0, piece(0, 9));
    await putPiece(db, id, 20, piece(20, 29));
    const blob = await collectPieces(db, id, remote, new AbortController().signal);
    expect(await bytesOf(blob)).toEqual(file);
  });

  it('rejects with an AbortError when the save is dropped while it waits for pieces', async () => {
    await putPiece(db, id, 0, piece(0, 9));
    const aborter = new AbortController();
    const collected = collectPieces(db, id, remote, aborter.signal);
    collected.catch(() => {});
    await tick();
    aborter.abort();
    await expect(collected).rejects.toMatchObject({ name: 'AbortError' });
  });
});
