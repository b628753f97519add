import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getJob, putJob } from '../../src/store/jobs';
import { collectPieces } from '../../src/store/piece-collect';
import { mergePieces, runFrom } from '../../src/store/piece-merge';
import { clearPieces, putPiece, storedPieces } from '../../src/store/pieces';
import { type JobId, newJobId, openStore, type PieceRecord, type Store } from '../../src/store/schema';
import { runningJob, testRemote } from '../helpers/stored-jobs';

/**
 * Firefox's save merges runs of stored pieces into larger ones (piece-merge.ts): the same bytes in fewer
 * pieces, never over a clear or another version of the file.
 */

const SIZE = 40;
const remote = testRemote(SIZE);
const file = Uint8Array.from({ length: SIZE }, (_, i) => (i * 13 + 7) % 256);
const piece = (start: number, end: number) => new Blob([file.slice(start, end + 1)]);
const record = (start: number, end: number) => ({ start, end }) as PieceRecord;
const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const any = { mostBytes: Number.POSITIVE_INFINITY, leastBytes: 0 };

let db: Store;
let id: JobId;

beforeEach(async () => {
  db = await openStore(`merge-${Math.random()}`);
  id = newJobId();
  await putJob(db, runningJob(id, remote));
});
afterEach(() => db.close());

describe('runFrom', () => {
  const pieces = [record(0, 9), record(10, 19), record(20, 29), record(35, 39)];
  it.each([
    ['contiguous pieces up to the limit', 0, 40, 20, 0, [0, 10]],
    ['stops at a gap', 0, 40, 100, 0, [0, 10, 20]],
    ['a piece reaching past `to` is left', 0, 25, 100, 0, [0, 10]],
    ['none below the least bytes', 0, 40, 100, 31, null],
    ['none of a single piece', 20, 40, 100, 0, null],
    ['none when no piece starts at `from`', 5, 40, 100, 0, null],
  ])('%s', (_, from, to, most, least, starts) => {
    const run = runFrom(pieces, from, to, most, least);
    expect(run?.map((p) => p.start) ?? null).toEqual(starts);
  });
});

describe('mergePieces', () => {
  it('stores a run as one piece of the same bytes and leaves the done ranges', async () => {
    for (const [s, e] of [
      [0, 9],
      [10, 19],
      [20, 39],
    ] as const)
      await putPiece(db, id, s, piece(s, e));
    expect(await mergePieces(db, id, remote, 0, 20, any)).toEqual({ start: 0, end: 19 });
    const { pieces } = await storedPieces(db, id);
    expect(pieces.map((p) => [p.start, p.end])).toEqual([
      [0, 19],
      [20, 39],
    ]);
    expect(await bytesOf(pieces[0]?.blob as Blob)).toEqual(file.slice(0, 20));
    expect((await getJob(db, id))?.done).toEqual([{ start: 0, end: 39 }]);
  });

  it('writes nothing when the job holds another version of the file', async () => {
    await putPiece(db, id, 0, piece(0, 9));
    await putPiece(db, id, 10, piece(10, 19));
    const other = { ...remote, etag: '"v2"' };
    expect(await mergePieces(db, id, other, 0, 20, any)).toBeNull();
    expect((await storedPieces(db, id)).pieces).toHaveLength(2);
  });

  it('writes nothing over pieces cleared and stored again meanwhile', async () => {
    await putPiece(db, id, 0, piece(0, 9));
    await putPiece(db, id, 10, piece(10, 19));
    const merging = mergePieces(db, id, remote, 0, 20, any);
    await clearPieces(db, id);
    await putPiece(db, id, 0, piece(0, 4));
    await merging;
    const { pieces, job } = await storedPieces(db, id);
    expect(pieces.map((p) => [p.start, p.end])).toEqual([[0, 4]]);
    expect(job?.done).toEqual([{ start: 0, end: 4 }]);
  });
});

describe('collectPieces with merging', () => {
  it('merges the stored prefix as pieces arrive and the rest at the end, the file exact', async () => {
    const collected = collectPieces(db, id, remote, new AbortController().signal, 10);
    for (let s = 0; s < SIZE; s += 5) {
      await putPiece(db, id, s, piece(s, s + 4));
      await tick(5);
    }
    const blob = await collected;
    expect(await bytesOf(blob)).toEqual(file);
    const { pieces } = await storedPieces(db, id);
    expect(pieces.length).toBeLessThan(8);
    expect(pieces.every((p) => p.end - p.start + 1 >= 10)).toBe(true);
  });

  it('leaves a file found whole at once as stored', async () => {
    for (let s = 0; s < SIZE; s += 5) await putPiece(db, id, s, piece(s, s + 4));
    const blob = await collectPieces(db, id, remote, new AbortController().signal, 10);
    expect(await bytesOf(blob)).toEqual(file);
    expect((await storedPieces(db, id)).pieces).toHaveLength(8);
  });
});
