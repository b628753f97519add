import { StorageError, TruncatedBodyError } from '../engine/errors';
import type { ByteRange, HttpResponse, PieceSink, RemoteFile, SavedState } from '../engine/types';
import { getJob } from './jobs';
import { clearPieces, putPiece } from './pieces';
import type { JobId, Store } from './schema';

/** 4-16 MiB pieces write fastest into IndexedDB (docs/platform.md fact 5); 1 MiB pieces halve the throughput. */
export const PREFERRED_WRITE_BYTES = 8 * 1024 * 1024;

/**
 * V8 cannot see the bytes behind a Blob handle (they live in the browser process), so a worker that allocates
 * little rarely collects garbage: measured, the browser process then held every downloaded byte, up to ~700 MiB
 * for a 1 GiB file, until the worker's Blob handles were collected. After each stored piece an ArrayBuffer of
 * the piece's size is allocated and dropped: never touched (zero pages, no resident memory), it still counts as
 * external memory, so V8 collects at the pace the data flows, releasing the handles of stored pieces and with
 * them their browser-side data.
 */
let _gcPressure: ArrayBuffer | null = null;

/**
 * The engine's PieceSink over IndexedDB: one Blob per write, committed with the job's done ranges in one
 * transaction (pieces.ts). What the probe learned of the file is the caller's to record (`recordFile`): in the
 * worker, every other write of a job record goes through one module (background/job-records.ts).
 *
 * Ranged pieces arrive whole (`writeResponse`): `response.blob()` lets the network stack fill the Blob, so the
 * bytes never pass through the worker's JS heap (docs/platform.md fact 5). `write` (chunks from a JS stream
 * reader) is left for the probe's first piece and for servers without ranges.
 */
export function createPieceSink(
  db: Store,
  jobId: JobId,
  recordFile: (remote: RemoteFile) => Promise<void>,
): PieceSink {
  return {
    preferredWriteBytes: PREFERRED_WRITE_BYTES,
    // The browser's save streams the stored prefix while the rest arrives (background/saver.ts).
    inOrder: true,

    async load(): Promise<SavedState | null> {
      const job = await getJob(db, jobId);
      return job?.remote ? { remote: job.remote, done: job.done } : null;
    },

    async begin(remote: RemoteFile, _done: readonly ByteRange[]): Promise<void> {
      await storing(() => recordFile(remote));
    },

    async write(offset: number, chunks: readonly Uint8Array[]): Promise<void> {
      // Built before the transaction opens: nothing but the transaction's own requests may be awaited inside it.
      const blob = new Blob(chunks as Uint8Array<ArrayBuffer>[]);
      if (blob.size === 0) return;
      await storing(() => putPiece(db, jobId, offset, blob));
    },

    async writeResponse(
      offset: number,
      length: number,
      response: HttpResponse,
      commit?: () => boolean,
    ): Promise<boolean> {
      const raw = response.raw as Response | undefined;
      if (!raw || typeof raw.blob !== 'function') throw new TypeError('writeResponse needs a fetch Response');
      // Rejects like a body read would (reset, truncated under Content-Length, abort): the engine retries.
      const blob = await raw.blob();
      if (blob.size !== length) throw new TruncatedBodyError(response.url, length, blob.size);
      if (commit && !commit()) return false;
      await storing(() => putPiece(db, jobId, offset, blob));
      _gcPressure = new ArrayBuffer(blob.size);
      return true;
    },

    async reset(): Promise<void> {
      await storing(() => clearPieces(db, jobId));
    },

    // Assembly needs a document (URL.createObjectURL): the worker does it once download() resolves.
    async finish(): Promise<void> {},
  };
}

async function storing<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw new StorageError(error);
  }
}
