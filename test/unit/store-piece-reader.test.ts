import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteJob, putJob, updateJob } from '../../src/store/jobs';
import { PiecesChangedError, readPieces } from '../../src/store/piece-reader';
import { clearPieces, putPiece } from '../../src/store/pieces';
import { type JobId, newJobId, openStore, type Store } from '../../src/store/schema';
import { runningJob, testRemote } from '../helpers/stored-jobs';

/**
 * The save stream's source: a job's file read from its stored pieces in order while they arrive. It must
 * deliver exactly the file, wait for what is missing, and error (never close short, never splice) when the
 * pieces stop being that file.
 */

const SIZE = 30;
const remote = testRemote(SIZE);
const file = Uint8Array.from({ length: SIZE }, (_, i) => (i * 7 + 3) % 256);
const piece = (start: number, end: number) => new Blob([file.slice(start, end + 1)]);

let db: Store;
let id: JobId;

beforeEach(async () => {
  db = await openStore(`reader-${Math.random()}`);
  id = newJobId();
  await putJob(db, runningJob(id, remote));
});
afterEach(() => db.close());

/** Reads until the stream ends or errors; `received` grows as chunks come. */
function drain(stream: ReadableStream<Uint8Array>) {
  const received: number[] = [];
  const reader = stream.getReader();
  const ended = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return 'closed' as const;
      received.push(...value);
    }
  })();
  ended.catch(() => {}); // a test awaits it later; an error before then is not unhandled
  return { received, ended, cancel: () => reader.cancel() };
}

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe('readPieces', () => {
  it('streams exactly the file, in order, each byte as soon as every byte before it is stored', async () => {
    const { received, ended } = drain(readPieces(db, id, remote));
    await putPiece(db, id, 20, piece(20, 29));
    await tick();
    expect(received).toEqual([]); // byte 0 is not there yet
    await putPiece(db, id, 0, piece(0, 9));
    await tick();
    expect(received).toEqual([...file.slice(0, 10)]);
    await putPiece(db, id, 10, piece(10, 19));
    await expect(ended).resolves.toBe('closed');
    expect(received).toEqual([...file]);
  });

  it('reads pieces that overlap (a byte stored twice) once, from the piece that starts nearest before it', async () => {
    await putPiece(db, id, 0, piece(0, 14));
    await putPiece(db, id, 10, piece(10, 29));
    const { received, ended } = drain(readPieces(db, id, remote));
    await expect(ended).resolves.toBe('closed');
    expect(received).toEqual([...file]);
  });

  it('never closes while bytes are missing', async () => {
    await putPiece(db, id, 0, piece(0, 28)); // one byte short
    const { received, ended } = drain(readPieces(db, id, remote));
    const outcome = await Promise.race([ended, tick(300).then(() => 'still waiting')]);
    expect(outcome).toBe('still waiting');
    expect(received).toHaveLength(29);
    await putPiece(db, id, 29, piece(29, 29));
    await expect(ended).resolves.toBe('closed');
    expect(received).toEqual([...file]);
  });

  it('errors when the pieces are cleared under it (the file changed on the server), even if new ones follow', async () => {
    await putPiece(db, id, 0, piece(0, 9));
    const { received, ended } = drain(readPieces(db, id, remote));
    await tick();
    await clearPieces(db, id);
    // The next version's pieces, same size and name: they must not be spliced onto the bytes already sent.
    await putPiece(db, id, 10, new Blob([new Uint8Array(20)]));
    await expect(ended).rejects.toBeInstanceOf(PiecesChangedError);
    expect(received).toHaveLength(10);
  });

  it("errors when the job's file is no longer this one (new validators)", async () => {
    await putPiece(db, id, 0, piece(0, 9));
    const { ended } = drain(readPieces(db, id, remote));
    await tick();
    await updateJob(db, id, (j) => ({ ...j, remote: { ...remote, etag: '"v2"' } }));
    await putPiece(db, id, 10, piece(10, 29));
    await expect(ended).rejects.toBeInstanceOf(PiecesChangedError);
  });

  it('errors when the job is deleted (cancelled)', async () => {
    await putPiece(db, id, 0, piece(0, 9));
    const { ended } = drain(readPieces(db, id, remote));
    await tick();
    await deleteJob(db, id);
    await expect(ended).rejects.toBeInstanceOf(PiecesChangedError);
  });

  it('stops waiting when the reader cancels', async () => {
    const { ended, cancel } = drain(readPieces(db, id, remote));
    await tick();
    await cancel();
    await expect(ended).resolves.toBe('closed');
  });
});
