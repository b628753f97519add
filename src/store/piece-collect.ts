import { subtractRanges } from '../engine/ranges';
import type { RemoteFile } from '../engine/types';
import { getJob } from './jobs';
import { changeCount, generation, nextChange } from './piece-events';
import { MERGED_PIECE_BYTES, mergePieces } from './piece-merge';
import { PiecesChangedError, sameFile } from './piece-reader';
import { storedPieces } from './pieces';
import type { JobId, JobRecord, PieceRecord, Store } from './schema';

/** A missed announcement costs at most this long a wait. */
const RECHECK_MS = 1_000;

/**
 * A job's file as one Blob of its stored pieces' parts, once the last piece is stored: Firefox's save source
 * (src/platform/blob-saves.ts). While pieces arrive only the job's record is read (its done ranges are
 * committed with the pieces, pieces.ts), and each 32 MiB of the file's stored prefix is merged into one piece
 * (piece-merge.ts), the rest at the end: Firefox copies a Blob of such parts into the file about three times
 * as fast. Once the pieces cover the file they are read in one transaction (following them one by one cost
 * 60-80 ms after the last one: the last few dozen small pieces land within a few hundred milliseconds).
 * Rejects with PiecesChangedError when the pieces were cleared since the call or the job no longer holds
 * `remote`, and with an AbortError when `signal` aborts.
 */
export async function collectPieces(
  db: Store,
  jobId: JobId,
  remote: RemoteFile,
  signal: AbortSignal,
  mergeBytes = MERGED_PIECE_BYTES,
): Promise<Blob> {
  const size = remote.size;
  if (size === null) throw new TypeError('collecting pieces needs a known size');
  const startGeneration = generation(jobId);
  const check = (job: JobRecord | undefined): JobRecord => {
    if (generation(jobId) !== startGeneration) throw new PiecesChangedError('the stored pieces were cleared');
    if (!job?.remote || !sameFile(job.remote, remote))
      throw new PiecesChangedError('the job no longer holds this file');
    return job;
  };
  const whole = (job: JobRecord) =>
    size === 0 || subtractRanges({ start: 0, end: size - 1 }, job.done).length === 0;
  /** The file's bytes before this offset are merged as far as they will be. */
  let merged = 0;
  for (;;) {
    if (signal.aborted) throw abortError();
    const seen = changeCount(jobId);
    const job = check(await getJob(db, jobId));
    const complete = whole(job);
    const prefix = complete ? size : job.done[0]?.start === 0 ? job.done[0].end + 1 : 0;
    // Merged while pieces arrive; at the end only the rest of a file merged so far (a file found whole at
    // once, or too small for a run, is left as stored: merging it all would copy it once more).
    if (complete ? merged > 0 && merged < size : prefix - merged >= mergeBytes) {
      // At the end, runs of any size: the last (under two runs' worth) becomes one piece.
      const mostBytes = complete && size - merged < 2 * mergeBytes ? Number.POSITIVE_INFINITY : mergeBytes;
      const leastBytes = complete ? 0 : mergeBytes;
      const range = await mergePieces(db, jobId, remote, merged, prefix, { mostBytes, leastBytes });
      // No run to merge (one piece, or a piece reaching past the prefix): the next piece starts the next run.
      merged = range ? range.end + 1 : await nextRun(db, jobId, merged, complete ? size : prefix);
      continue;
    }
    if (complete) {
      const { job, pieces } = await storedPieces(db, jobId);
      if (signal.aborted) throw abortError();
      if (whole(check(job))) return assemble(pieces, size);
    }
    if ((await nextChange(jobId, seen, RECHECK_MS, signal)) === 'aborted') throw abortError();
  }
}

/** Where the stored piece holding byte `offset` ends (the next run starts after it), or `limit`. */
async function nextRun(db: Store, jobId: JobId, offset: number, limit: number): Promise<number> {
  const { pieces } = await storedPieces(db, jobId);
  const holding = pieces.findLast((p) => p.start <= offset && p.end >= offset);
  return holding ? Math.min(holding.end + 1, limit) : limit;
}

/**
 * The file from its pieces in file order: at each offset the piece that begins last at or before it (as the
 * save stream reads them, piece-reader.ts), sliced where pieces overlap. A gap or a piece shorter than its
 * record means the pieces are not the file.
 */
function assemble(pieces: readonly PieceRecord[], size: number): Blob {
  const parts: Blob[] = [];
  let offset = 0;
  for (let i = 0; offset < size; ) {
    while (i + 1 < pieces.length && (pieces[i + 1] as PieceRecord).start <= offset) i++;
    const piece = pieces[i];
    if (!piece || piece.start > offset || piece.end < offset)
      throw new PiecesChangedError(`no stored piece holds byte ${offset}`);
    if (piece.blob.size !== piece.end - piece.start + 1)
      throw new PiecesChangedError(`a stored piece is not the length of its record at byte ${piece.start}`);
    const end = Math.min(piece.end + 1, size);
    const whole = piece.start === offset && end === piece.end + 1;
    parts.push(whole ? piece.blob : piece.blob.slice(offset - piece.start, end - piece.start));
    offset = end;
  }
  return new Blob(parts);
}

function abortError(): DOMException {
  return new DOMException('the collection was aborted', 'AbortError');
}
