import type { Sha256 } from '../engine/integrity';
import type { RemoteFile } from '../engine/types';
import { changeCount, generation, nextChange } from './piece-events';
import { pieceAt } from './pieces';
import type { JobId, Store } from './schema';

/** Bytes read from a stored piece at a time: bounded memory whatever the piece size. */
const READ_BYTES = 4 * 1024 * 1024;
/** A missed announcement costs at most this long a wait. */
const RECHECK_MS = 1_000;

/** The stored pieces stopped being the file this stream began with: it errors rather than splice. */
export class PiecesChangedError extends Error {
  override name = 'PiecesChangedError';
}

/**
 * Hashes the stream's bytes as they pass and holds its last bytes back until `check` has seen the file's
 * SHA-256: when `check` rejects (the file is not the one expected), the stream errors instead of ending, so the
 * reader never gets the whole of a wrong file.
 */
export interface StreamSeal {
  hash: Sha256;
  check(sha256: string): Promise<void>;
}

/**
 * A job's file as one byte stream, in order, while its pieces are still arriving: each byte is sent once the
 * piece holding it is stored, so the browser writes the file while the rest is fetched. Exactly `remote.size`
 * bytes, then close; it errors (never closes early) if the pieces are cleared or the job's remote file is no
 * longer `remote` (changed on the server, cancelled, deleted), so a reader never gets a short or spliced file.
 */
export function readPieces(
  db: Store,
  jobId: JobId,
  remote: RemoteFile,
  onError?: (error: unknown) => void,
  seal?: StreamSeal,
): ReadableStream<Uint8Array> {
  const size = remote.size;
  if (size === null) throw new TypeError('readPieces needs a known size');
  const startGeneration = generation(jobId);
  const cancelled = new AbortController();
  let offset = 0;

  const check = (current: RemoteFile | null | undefined): void => {
    if (generation(jobId) !== startGeneration) throw new PiecesChangedError('the stored pieces were cleared');
    if (!current || !sameFile(current, remote))
      throw new PiecesChangedError('the job no longer holds this file');
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          await next(controller);
        } catch (error) {
          onError?.(error);
          throw error;
        }
      },
      cancel() {
        cancelled.abort();
      },
    },
    { highWaterMark: 0 },
  );

  /** The last bytes pass only once the whole file is judged (an empty file is judged before it closes). */
  async function release(controller: ReadableStreamDefaultController<Uint8Array>, last: Uint8Array | null) {
    if (last) seal?.hash.update(last);
    if (seal) await seal.check(seal.hash.digestHex());
    if (last) controller.enqueue(last);
    controller.close();
  }

  async function next(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    if (offset === size) return release(controller, null);
    for (;;) {
      const seen = changeCount(jobId);
      const { job, piece } = await pieceAt(db, jobId, offset);
      check(job?.remote);
      if (piece) {
        // One large slice at a time, read natively into one buffer: a 4 MiB chunk costs the worker one step
        // where the blob's own stream yields dozens of small ones (README "Benchmarks": the save keeps up).
        const end = Math.min(piece.end + 1, offset + READ_BYTES);
        const value = new Uint8Array(
          await piece.blob.slice(offset - piece.start, end - piece.start).arrayBuffer(),
        );
        check(job?.remote); // cleared while reading: the blob may already name another version's bytes
        if (offset + value.length > end) throw new PiecesChangedError(`a stored piece overruns byte ${end}`);
        offset += value.length;
        if (offset !== end)
          throw new PiecesChangedError(`a stored piece is shorter than its record at byte ${offset}`);
        if (offset === size) return release(controller, value);
        seal?.hash.update(value);
        controller.enqueue(value);
        return;
      }
      if ((await nextChange(jobId, seen, RECHECK_MS, cancelled.signal)) === 'aborted') return;
    }
  }
}

/** The same remote file: size, validators and URL (the final URL may change between sessions). */
export function sameFile(a: RemoteFile, b: RemoteFile): boolean {
  return a.size === b.size && a.etag === b.etag && a.lastModified === b.lastModified && a.url === b.url;
}
