import { subtractRanges } from '../engine/ranges';
import type { ByteRange, RemoteFile } from '../engine/types';
import { sameFile } from './piece-reader';
import { storedPieces } from './pieces';
import type { JobId, PieceRecord, Store } from './schema';

/**
 * Merges a run of a job's stored pieces into one stored piece, for Firefox's save (piece-collect.ts): Firefox
 * copies a Blob whose parts are all 32 MiB or more about three times as fast as one of 4-8 MiB parts
 * (docs/platform.md fact 15). The merged piece is a new Blob of the run's stored Blobs (IndexedDB writes its
 * bytes again); it replaces the run in one transaction that first checks, inside it, that the job still holds
 * `remote`, that its done ranges still cover the run and that every piece of the run is still stored as read,
 * so a clear or a new version of the file in between is never overwritten with old bytes. The job's done
 * ranges do not change: the same bytes are stored, in fewer pieces.
 */

/** Pieces merged into one reach at least this many bytes (or the rest of the file). */
export const MERGED_PIECE_BYTES = 32 * 1024 * 1024;

/**
 * The first run of contiguous whole pieces starting at `from` and ending before `to`, up to `mostBytes`:
 * null unless it has at least two pieces and `leastBytes`.
 */
export function runFrom(
  pieces: readonly PieceRecord[],
  from: number,
  to: number,
  mostBytes: number,
  leastBytes: number,
): PieceRecord[] | null {
  const run: PieceRecord[] = [];
  let next = from;
  let bytes = 0;
  for (const piece of pieces) {
    if (piece.start < next) continue;
    if (piece.start !== next || piece.end >= to) break;
    run.push(piece);
    bytes += piece.end - piece.start + 1;
    next = piece.end + 1;
    if (bytes >= mostBytes) break;
  }
  return run.length >= 2 && bytes >= leastBytes ? run : null;
}

/**
 * Merges the run `runFrom` finds in the job's stored pieces. Returns the range now stored as one piece, or
 * null when there was no such run or the pieces changed meanwhile (nothing is written then).
 */
export async function mergePieces(
  db: Store,
  jobId: JobId,
  remote: RemoteFile,
  from: number,
  to: number,
  { mostBytes, leastBytes }: { mostBytes: number; leastBytes: number },
): Promise<ByteRange | null> {
  const { pieces } = await storedPieces(db, jobId);
  const run = runFrom(pieces, from, to, mostBytes, leastBytes);
  if (!run) return null;
  const first = run[0] as PieceRecord;
  const range: ByteRange = { start: first.start, end: (run.at(-1) as PieceRecord).end };
  // Built before the transaction: nothing but its own requests may be awaited inside it.
  const blob = new Blob(run.map((p) => p.blob));
  const tx = db.transaction(['jobs', 'pieces'], 'readwrite');
  const store = tx.objectStore('pieces');
  const [job, ...current] = await Promise.all([
    tx.objectStore('jobs').get(jobId),
    ...run.map((p) => store.get([jobId, p.start])),
  ]);
  const unchanged =
    job?.remote != null &&
    sameFile(job.remote, remote) &&
    job.state.status !== 'cancelled' &&
    subtractRanges(range, job.done).length === 0 &&
    current.every((p, i) => p?.end === (run[i] as PieceRecord).end);
  if (!unchanged) {
    tx.abort();
    await tx.done.catch(() => {}); // rejects with AbortError, which is expected here
    return null;
  }
  await Promise.all([
    ...run.slice(1).map((p) => store.delete([jobId, p.start])),
    store.put({ jobId, start: range.start, end: range.end, blob }),
  ]);
  await tx.done;
  return range;
}
