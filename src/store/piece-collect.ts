import { subtractRanges } from '../engine/ranges';
import type { RemoteFile } from '../engine/types';
import { getJob } from './jobs';
import { changeCount, generation, nextChange } from './piece-events';
import { PiecesChangedError, sameFile } from './piece-reader';
import { storedPieces } from './pieces';
import type { JobId, JobRecord, PieceRecord, Store } from './schema';

/** A missed announcement costs at most this long a wait. */
const RECHECK_MS = 1_000;

/**
 * A job's file as one Blob of its stored pieces' parts (no byte is read or copied), once the last piece is
 * stored: Firefox's save source (src/platform/blob-saves.ts). While pieces arrive only the job's record is
 * read (its done ranges are committed with the pieces, pieces.ts); once they cover the file, the pieces are
 * read in one transaction. Following the pieces one by one cost 60-80 ms after the last one (docs/platform.md
 * fact 15): at the end of a download the last few dozen small pieces land within a few hundred milliseconds.
 * Rejects with PiecesChangedError when the pieces were cleared since the call or the job no longer holds
 * `remote`, and with an AbortError when `signal` aborts.
 */
export async function collectPieces(
  db: Store,
  jobId: JobId,
  remote: RemoteFile,
  signal: AbortSignal,
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
  for (;;) {
    if (signal.aborted) throw abortError();
    const seen = changeCount(jobId);
    if (whole(check(await getJob(db, jobId)))) {
      const { job, pieces } = await storedPieces(db, jobId);
      if (signal.aborted) throw abortError();
      if (whole(check(job))) return assemble(pieces, size);
    }
    if ((await nextChange(jobId, seen, RECHECK_MS, signal)) === 'aborted') throw abortError();
  }
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
