import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSha256 } from '../../src/shared/sha256';
import { putJob } from '../../src/store/jobs';
import { readPieces, type StreamSeal } from '../../src/store/piece-reader';
import { putPiece } from '../../src/store/pieces';
import { type JobId, newJobId, openStore, type Store } from '../../src/store/schema';
import { runningJob, testRemote } from '../helpers/stored-jobs';

/**
 * The save stream hashes every byte once, in order, and holds its last bytes back until the file is judged:
 * a file judged wrong is never delivered whole.
 */

const SIZE = 30;
const file = Uint8Array.from({ length: SIZE }, (_, i) => (i * 7 + 3) % 256);
const piece = (start: number, end: number) => new Blob([file.slice(start, end + 1)]);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let db: Store;
let id: JobId;

beforeEach(async () => {
  db = await openStore(`seal-${Math.random()}`);
  id = newJobId();
});
afterEach(() => db.close());

async function drain(stream: ReadableStream<Uint8Array>): Promise<{ received: number[]; error: unknown }> {
  const received: number[] = [];
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { received, error: null };
      received.push(...value);
    }
  } catch (error) {
    return { received, error };
  }
}

async function seal(verdict: (sha: string) => boolean): Promise<StreamSeal & { seen: string[] }> {
  const seen: string[] = [];
  return {
    seen,
    hash: await createSha256(),
    check: async (sha) => {
      seen.push(sha);
      if (!verdict(sha)) throw new Error('checksum mismatch');
    },
  };
}

describe('readPieces with a seal', () => {
  beforeEach(async () => {
    const remote = testRemote(SIZE);
    await putJob(db, runningJob(id, remote));
    for (const [start, end] of [
      [0, 9],
      [10, 19],
      [20, 29],
    ] as const)
      await putPiece(db, id, start, piece(start, end));
  });

  it('hashes the whole file once, in order, and delivers it when the check passes', async () => {
    const s = await seal(() => true);
    const { received, error } = await drain(readPieces(db, id, testRemote(SIZE), undefined, s));
    expect(error).toBeNull();
    expect(received).toEqual([...file]);
    expect(s.seen).toEqual([sha256(file)]);
  });

  it('errors without the last bytes when the check fails', async () => {
    const s = await seal(() => false);
    let reported: unknown = null;
    const { received, error } = await drain(
      readPieces(
        db,
        id,
        testRemote(SIZE),
        (e) => {
          reported = e;
        },
        s,
      ),
    );
    expect((error as Error).message).toBe('checksum mismatch');
    expect(reported).toBe(error);
    expect(received).toEqual([...file.slice(0, 20)]);
    expect(s.seen).toEqual([sha256(file)]);
  });
});

describe('an empty file', () => {
  it('is judged before the stream closes', async () => {
    await putJob(db, runningJob(id, testRemote(0)));
    const s = await seal(() => false);
    const { received, error } = await drain(readPieces(db, id, testRemote(0), undefined, s));
    expect(received).toEqual([]);
    expect(error).not.toBeNull();
    expect(s.seen).toEqual([sha256(new Uint8Array())]);
  });
});
