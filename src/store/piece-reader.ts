import type { Sha256 } from '../engine/integrity';
import type { RemoteFile } from '../engine/types';
import { changeCount, generation, nextChange } from './piece-events';
import { pieceAt } from './pieces';
import type { JobId, Store } from './schema';

/** Bytes read from a stored piece at a time: bounded memory whatever the piece size. */
const READ_BYTES = 4 * 1024 * 1024;
/** Slices read ahead of the stream's reader (each at most READ_BYTES). */
const READ_AHEAD_SLICES = 1;
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
  /** Whether `check` can refuse the file now (a hash is expected); absent: it can. */
  binding?(): Promise<boolean>;
}

/** One slice of the file, in order: its bytes, read from the stored piece. */
interface Slice {
  bytes: Uint8Array;
  last: boolean;
}

/**
 * The job's file slice by slice, in order, each once the piece holding it is stored. It throws (never ends
 * early) if the pieces are cleared or the job's remote file is no longer `remote` (changed on the server,
 * cancelled, deleted), so a reader never gets a short or spliced file. null: aborted.
 */
function cursor(db: Store, jobId: JobId, remote: RemoteFile, signal: AbortSignal) {
  const size = remote.size;
  if (size === null) throw new TypeError('reading pieces needs a known size');
  const startGeneration = generation(jobId);
  let offset = 0;

  const check = (current: RemoteFile | null | undefined): void => {
    if (generation(jobId) !== startGeneration) throw new PiecesChangedError('the stored pieces were cleared');
    if (!current || !sameFile(current, remote))
      throw new PiecesChangedError('the job no longer holds this file');
  };

  return {
    get ended() {
      return offset === size;
    },
    async next(): Promise<Slice | null> {
      for (;;) {
        const seen = changeCount(jobId);
        const { job, piece } = await pieceAt(db, jobId, offset);
        check(job?.remote);
        if (piece) {
          // One large slice at a time, read natively into one buffer: a 4 MiB chunk costs the worker one step
          // where the blob's own stream yields dozens of small ones (README "Benchmarks": the save keeps up).
          const end = Math.min(piece.end + 1, offset + READ_BYTES);
          const blob = piece.blob.slice(offset - piece.start, end - piece.start);
          const bytes = new Uint8Array(await blob.arrayBuffer());
          check(job?.remote); // cleared while reading: the blob may already name another version's bytes
          const length = bytes.length;
          if (offset + length > end) throw new PiecesChangedError(`a stored piece overruns byte ${end}`);
          offset += length;
          if (offset !== end)
            throw new PiecesChangedError(`a stored piece is shorter than its record at byte ${offset}`);
          return { bytes, last: offset === size };
        }
        if ((await nextChange(jobId, seen, RECHECK_MS, signal)) === 'aborted') return null;
      }
    },
  };
}

/**
 * A job's file as one byte stream, in order, while its pieces are still arriving: each byte is sent once the
 * piece holding it is stored, so the browser writes the file while the rest is fetched. Exactly `remote.size`
 * bytes, then close; it errors (never closes early) when the pieces stop being the file (`cursor`).
 */
export function readPieces(
  db: Store,
  jobId: JobId,
  remote: RemoteFile,
  onError?: (error: unknown) => void,
  sealing?: StreamSeal | Promise<StreamSeal>,
): ReadableStream<Uint8Array> {
  let seal: StreamSeal | undefined;
  const cancelled = new AbortController();
  const slices = cursor(db, jobId, remote, cancelled.signal);

  return new ReadableStream<Uint8Array>(
    {
      async start() {
        seal = await sealing;
      },
      async pull(controller) {
        try {
          await next(controller);
        } catch (error) {
          // Cancelled by its reader (the browser) while a slice was read: not an error of the stream's own.
          if (cancelled.signal.aborted) return;
          onError?.(error);
          throw error;
        }
      },
      cancel() {
        cancelled.abort();
      },
    },
    // One slice read ahead: the next slice's IndexedDB read overlaps the browser taking the current one, which
    // is what bounds the save's catch-up after the last byte (README "Benchmarks").
    { highWaterMark: READ_AHEAD_SLICES },
  );

  /** The last bytes pass only once the whole file is judged (an empty file is judged before it closes). */
  async function release(controller: ReadableStreamDefaultController<Uint8Array>, last: Uint8Array | null) {
    if (last) seal?.hash.update(last);
    if (seal) await seal.check(seal.hash.digestHex());
    if (last) controller.enqueue(last);
    controller.close();
  }

  async function next(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    if (slices.ended) return release(controller, null);
    const slice = await slices.next();
    if (!slice) return;
    if (slice.last) return release(controller, slice.bytes);
    seal?.hash.update(slice.bytes);
    controller.enqueue(slice.bytes);
  }
}

/** Reads a stream to its end, keeping nothing: resolves when it closes, rejects when it errors or `signal` aborts. */
export async function drain(stream: ReadableStream<Uint8Array>, signal: AbortSignal): Promise<void> {
  const reader = stream.getReader();
  const stop = () => void reader.cancel().catch(() => {});
  signal.addEventListener('abort', stop, { once: true });
  try {
    while (!(await reader.read()).done) signal.throwIfAborted();
    signal.throwIfAborted();
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

/** The same remote file: size, validators and URL (the final URL may change between sessions). */
export function sameFile(a: RemoteFile, b: RemoteFile): boolean {
  return a.size === b.size && a.etag === b.etag && a.lastModified === b.lastModified && a.url === b.url;
}
