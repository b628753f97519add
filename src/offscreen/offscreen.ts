/**
 * The offscreen document (reason BLOBS). It exists because the worker cannot call URL.createObjectURL
 * (DESIGN fact 4). `new Blob(storedBlobs)` only references the stored, file-backed pieces: milliseconds and
 * flat memory even for gigabytes (fact 5). The URL must outlive the browser's save, so the worker revokes it
 * (or closes this document) only after the download reports complete.
 */
import { listen } from '../shared/messenger';
import { OFFSCREEN_MESSAGES } from '../shared/protocol';
import { listPieceBlobs } from '../store/pieces';
import { type JobId, openStore } from '../store/schema';

const db = openStore();

listen(OFFSCREEN_MESSAGES, async (message) => {
  switch (message.type) {
    case 'offscreen/assemble': {
      const blobs = await listPieceBlobs(await db, message.jobId as JobId);
      const blob = new Blob(blobs, { type: message.mime });
      return { url: URL.createObjectURL(blob), sizeBytes: blob.size };
    }
    case 'offscreen/revoke':
      URL.revokeObjectURL(message.url);
      return null;
    default:
      throw new Error(`${message.type} is for the worker`);
  }
});
