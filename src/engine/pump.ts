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
  /** The body goes on past `lastByte()`: asks for more room; true when `lastByte()` grew. */
  extend?: () => boolean;
  /**
   * The last file offset the body carries, when known. A body read up to it is read on to its end (nothing more
   * comes), so that its connection is free for the next request at once rather than opened anew; at most until
   * `drainWithin` resolves (a server that sends every byte but never ends its body is not waited for).
   */
  bodyEnd?: number;
  drainWithin?: (signal: AbortSignal) => Promise<void>;
}

/**
 * Streams a response body into the sink in batches of the sink's preferred size. Returns the offset after the
 * last byte kept. Stops at `lastByte()` and cancels the rest. When reading fails, the bytes already received are
 * still written (they were validated with the response), then the read error is rethrown.
 */
export async function pump(options: PumpOptions): Promise<number> {
  const { body, sink, offset, lastByte, onBytes, pace, extend, bodyEnd, drainWithin } = options;
  const reader = body.getReader();
  const batch: Uint8Array[] = [];
  let batchStart = offset;
  let batchBytes = 0;
  let pos = offset;
  /** The last byte to keep for `bytes` more: room is asked for first when they go past it. */
  const lastFor = (bytes: number): number => {
    let last = lastByte();
    while (pos + bytes - 1 > last && extend?.()) last = lastByte();
    return last;
  };

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
      if (pos > lastFor(1)) break;
      const { done, value } = await reader.read();
      if (done) break;
      // A speed limit holds the chunk (and the reads after it) back before it counts as received.
      if (pace) await pace(value.byteLength);
      const room = lastFor(value.byteLength) - pos + 1;
      if (room <= 0) break;
      const chunk = value.byteLength > room ? value.subarray(0, room) : value;
      if (chunk.byteLength === 0) continue;
      pos += chunk.byteLength;
      onBytes(chunk.byteLength, pos);
      batch.push(chunk);
      batchBytes += chunk.byteLength;
      if (batchBytes >= sink.preferredWriteBytes) await flush();
      // Bytes of the body were left out: whatever follows them belongs elsewhere.
      if (chunk !== value) break;
    }
  } catch (error) {
    await flush();
    throw error;
  }
  await flush();
  if (bodyEnd !== undefined && pos === bodyEnd + 1 && drainWithin) {
    const drained = new AbortController();
    await Promise.race([reader.read().catch(() => {}), drainWithin(drained.signal).catch(() => {})]);
    drained.abort();
  }
  reader.cancel().catch(() => {});
  return pos;
}
