import { describe, expect, it } from 'vitest';
import { pump } from '../../src/engine/pump';
import type { PieceSink } from '../../src/engine/types';
import { ManualClock, runSettled } from '../helpers/manual-clock';

/** A sink that keeps what it is given (only what pump uses). */
function memorySink(): { sink: PieceSink; bytes: () => number } {
  let total = 0;
  const sink = {
    preferredWriteBytes: 64 * 1024,
    write: async (_offset: number, chunks: readonly Uint8Array[]) => {
      for (const c of chunks) total += c.byteLength;
    },
  } as unknown as PieceSink;
  return { sink, bytes: () => total };
}

/** A body of `size` bytes in one chunk; with `ends`, closed after it, else left open for good. */
function body(size: number, ends: boolean): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array(size));
      if (ends) controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

/** Pumps all 4096 bytes of `stream`, told that the body ends there, given 50 ms of `clock` to end. */
function pumpAll(stream: ReadableStream<Uint8Array>, sink: PieceSink, clock: ManualClock): Promise<number> {
  return pump({
    body: stream,
    sink,
    offset: 0,
    lastByte: () => 4095,
    onBytes: () => {},
    bodyEnd: 4095,
    drainWithin: (signal) => clock.sleep(50, signal),
  });
}

describe('pump: reading a body on to its end', () => {
  it('reads a body that has ended to its end without waiting, and never cancels it', async () => {
    const clock = new ManualClock();
    const { sink, bytes } = memorySink();
    const b = body(4096, true);
    const end = await pumpAll(b.stream, sink, clock);
    expect(end).toBe(4096);
    expect(bytes()).toBe(4096);
    expect(clock.now()).toBe(0);
    expect(b.cancelled()).toBe(false);
  });

  it('gives up on a body that sends every byte but never ends, once drainWithin resolves', async () => {
    const clock = new ManualClock();
    const { sink, bytes } = memorySink();
    const b = body(4096, false);
    const started = clock.now();
    const end = await runSettled(clock, pumpAll(b.stream, sink, clock), 1000);
    expect(end).toBe(4096);
    expect(bytes()).toBe(4096);
    expect(clock.now() - started).toBeGreaterThanOrEqual(50);
    expect(clock.now() - started).toBeLessThan(100);
    expect(b.cancelled()).toBe(true);
  });
});
