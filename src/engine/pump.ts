import { StorageError } from './errors';
import type { PieceSink } from './types';

export interface PumpOptions {
  body: ReadableStream<Uint8Array>;
  sink: PieceSink;
  /** File offset of the body's first byte. */
  offset: number;
  /** Last file offset to keep, read live: it may shrink while streaming. Infinity when unbounded. */
  lastByte: () => number;
  /** Called for every accepted chunk, before it is written, with the offset after it. */
  onBytes: (bytes: number, nextOffset: number) => void;
  /** Speed limits: awaited for each chunk read, so a limited reader holds the server back through TCP. */
  pace?: (bytes: number) => Promise<void>;
}

/**
 * Streams a response body into the sink in batches of the sink's preferred size. Returns the offset after the
 * last byte kept. Stops at `lastByte()` and cancels the rest. When reading fails, the bytes already received are
 * still written (they were validated with the response), then the read error is rethrown.
 */
export async function pump({ body, sink, offset, lastByte, onBytes, pace }: PumpOptions): Promise<number> {
  const reader = body.getReader();
  const batch: Uint8Array[] = [];
  let batchStart = offset;
  let batchBytes = 0;
  let pos = offset;

  const flush = async (): Promise<void> => {
    if (batchBytes === 0) return;
    const chunks = batch.splice(0);
    const start = batchStart;
    batchStart += batchBytes;
    batchBytes = 0;
    try {
      await sink.write(start, chunks);
    } catch (error) {
      throw new StorageError(error);
    }
  };

  try {
    for (;;) {
      const limit = lastByte();
      if (pos > limit) break;
      const { done, value } = await reader.read();
      if (done) break;
      // A speed limit holds the chunk (and the reads after it) back before it counts as received.
      if (pace) await pace(value.byteLength);
      const room = lastByte() - pos + 1;
      if (room <= 0) break;
      const chunk = value.byteLength > room ? value.subarray(0, room) : value;
      if (chunk.byteLength === 0) continue;
      pos += chunk.byteLength;
      onBytes(chunk.byteLength, pos);
      batch.push(chunk);
      batchBytes += chunk.byteLength;
      if (batchBytes >= sink.preferredWriteBytes) await flush();
    }
  } catch (error) {
    await flush();
    throw error;
  }
  await flush();
  reader.cancel().catch(() => {});
  return pos;
}
