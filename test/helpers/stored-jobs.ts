import type { RemoteFile } from '../../src/engine/types';
import { type JobId, type JobRecord, piecesOf, type Store } from '../../src/store/schema';

/** Jobs and pieces as the worker stores them, for tests over a (fake-indexeddb) store. */

/** A ranged file of `size` bytes at a loopback URL, named f.bin, with a strong ETag. */
export function testRemote(size: number): RemoteFile {
  const url = 'http://127.0.0.1/f.bin';
  return {
    url,
    finalUrl: url,
    size,
    acceptRanges: true,
    etag: '"v1"',
    lastModified: null,
    mime: 'application/octet-stream',
    filename: 'f.bin',
  };
}

/** A running job of `remote` with nothing done yet. */
export function runningJob(id: JobId, remote: RemoteFile, extra: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    url: remote.url,
    referrer: null,
    origin: 'auto',
    filename: remote.filename,
    sizeBytes: remote.size,
    createdAt: Date.now(),
    state: { status: 'running' },
    remote,
    done: [],
    note: null,
    ...extra,
  };
}

/** A job's stored pieces in file order, as Blobs. */
export async function listPieceBlobs(db: Store, jobId: JobId): Promise<Blob[]> {
  const pieces = await db.getAll('pieces', piecesOf(jobId));
  return pieces.map((p) => p.blob);
}
