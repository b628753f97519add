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

/** One slice of the file, in order: the stored Blob's part and, when asked for, its bytes, read. */
interface Slice {
  blob: Blob;
  /** The stored piece the slice is of, and where in it the slice begins. */
  piece: Blob;
  at: number;
  bytes: Uint8Array | null;
  last: boolean;
}

/**
 * The job's file slice by slice, in order, each once the piece holding it is stored. It throws (never ends
 * early) if the pieces are cleared or the job's remote file is no longer `remote` (changed on the server,
 * cancelled, deleted), so a reader never gets a short or spliced file. null: aborted. `read`: the slices'
 * bytes are read too.
 */
function cursor(db: Store, jobId: JobId, remote: RemoteFile, signal: AbortSignal, read: boolean) {
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
          const bytes = read ? new Uint8Array(await blob.arrayBuffer()) : null;
          check(job?.remote); // cleared while reading: the blob may already name another version's bytes
          const length = bytes?.length ?? blob.size;
          if (offset + length > end) throw new PiecesChangedError(`a stored piece overruns byte ${end}`);
          offset += length;
          if (offset !== end)
            throw new PiecesChangedError(`a stored piece is shorter than its record at byte ${offset}`);
          return { blob, piece: piece.blob, at: end - length - piece.start, bytes, last: offset === size };
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
  const slices = cursor(db, jobId, remote, cancelled.signal, true);

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
    if (!slice?.bytes) return;
    if (slice.last) return release(controller, slice.bytes);
    seal?.hash.update(slice.bytes);
    controller.enqueue(slice.bytes);
  }
}

/**
 * A job's file as one Blob of its stored pieces' parts (no byte is read or copied), following the pieces as
 * they arrive: it resolves once the last one is stored. Rejects as `readPieces` errors, and with an
 * AbortError when `signal` aborts.
 */
export async function collectPieces(
  db: Store,
  jobId: JobId,
  remote: RemoteFile,
  signal: AbortSignal,
): Promise<Blob> {
  const slices = cursor(db, jobId, remote, signal, false);
  // Consecutive slices of one stored piece become one part.
  const parts: { piece: Blob; from: number; to: number }[] = [];
  while (!slices.ended) {
    const slice = signal.aborted ? null : await slices.next();
    if (!slice || signal.aborted) throw new DOMException('the collection was aborted', 'AbortError');
    const last = parts.at(-1);
    const to = slice.at + slice.blob.size;
    if (last?.piece === slice.piece && last.to === slice.at) last.to = to;
    else parts.push({ piece: slice.piece, from: slice.at, to });
  }
  return new Blob(
    parts.map(({ piece, from, to }) => (from === 0 && to === piece.size ? piece : piece.slice(from, to))),
  );
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
