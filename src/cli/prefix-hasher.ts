import type { Sha256 } from '../engine/integrity';
import type { ByteRange } from '../engine/types';

/** Bytes read back from the file per step: bounded memory whatever the gap. */
const READ_BYTES = 4 * 1024 * 1024;

/** Bytes hashed from what was written / read back from the file. */
export interface HashedBytes {
  streamed: number;
  readBack: number;
}

/**
 * The SHA-256 of a file whose pieces land out of order: the hash follows the file's contiguous prefix as it
 * grows. A piece written exactly at the end of the prefix is hashed from the bytes in hand (the stream); the
 * pieces that had landed beyond it, and the prefix a resumed run finds on disk, are read back from the file as
 * soon as the prefix reaches them, while the download goes on: just written, they come from the page cache, and
 * each byte is read back at most once, the next block read while the last one is hashed. Hashing runs on one
 * chain of steps beside the writes, one step per write, in the order of the writes, so writes never wait on it.
 */
export class PrefixHasher {
  private hash: Sha256;
  private hashedTo = 0;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  /** Bumped by `reset`: steps queued for the old file do nothing. */
  private generation = 0;
  private counted: HashedBytes = { streamed: 0, readBack: 0 };
  /** What was hashed before the step `mark` queued ran; null before that. */
  private marked: HashedBytes | null = null;

  constructor(
    private readonly create: () => Sha256,
    private readonly readAt: (offset: number, length: number) => Promise<Uint8Array>,
  ) {
    this.hash = create();
  }

  /** Bytes hashed so far, as written / read back. */
  get hashed(): HashedBytes {
    return { ...this.counted };
  }

  /** Bytes hashed by the steps queued after `mark` (and by `digest`); null without a mark. */
  get hashedSinceMark(): HashedBytes | null {
    const m = this.marked;
    if (m === null) return null;
    return { streamed: this.counted.streamed - m.streamed, readBack: this.counted.readBack - m.readBack };
  }

  /**
   * `chunks` (concatenated) were written at `offset`, and `done` lists the file's written ranges right after
   * that write (a list no one changes later). The step hashes the chunks if they extend the prefix, then reads
   * back what lay beyond it, up to where `done` says the prefix ends. Takes references to the chunks until the
   * step has run: they must not be reused meanwhile.
   */
  written(offset: number, chunks: readonly Uint8Array[], done: readonly ByteRange[]): void {
    this.step(async (generation) => {
      if (offset === this.hashedTo) {
        for (const chunk of chunks) this.take(chunk, 'streamed');
      }
      await this.catchUp(prefixEnd(done, this.hashedTo), generation);
    });
  }

  /** Hashes what is on disk already (a resumed run's prefix, listed by `done`), in the background. */
  follow(done: readonly ByteRange[]): void {
    this.written(-1, [], done);
  }

  /** Notes, in the order of the writes, what was hashed before the steps queued from now on. */
  mark(): void {
    this.step(async () => {
      this.marked = this.hashed;
    });
  }

  /** The file starts over from nothing. */
  reset(): void {
    this.generation++;
    this.hash = this.create();
    this.hashedTo = 0;
    this.failure = null;
    this.counted = { streamed: 0, readBack: 0 };
    this.marked = null;
  }

  /** Once every write is in: the SHA-256 of the first `size` bytes (lowercase hex). */
  async digest(size: number): Promise<string> {
    await this.chain;
    if (this.failure !== null) throw this.failure;
    await this.catchUp(size, this.generation);
    return this.hash.digestHex();
  }

  private step(run: (generation: number) => Promise<void>): void {
    const generation = this.generation;
    this.chain = this.chain.then(async () => {
      if (generation !== this.generation || this.failure !== null) return;
      try {
        await run(generation);
      } catch (error) {
        this.failure = error;
      }
    });
  }

  /** Reads back and hashes `[hashedTo, end)`, one block in flight while the one before it is hashed. */
  private async catchUp(end: number, generation: number): Promise<void> {
    let next = this.hashedTo < end ? this.read(this.hashedTo, end) : null;
    while (next !== null) {
      const { offset, length, bytes } = next;
      const block = await bytes;
      if (generation !== this.generation) return;
      if (block.length !== length)
        throw new Error(`read ${block.length} bytes of ${length} back from the file`);
      next = offset + length < end ? this.read(offset + length, end) : null;
      this.take(block, 'read-back');
    }
  }

  private read(offset: number, end: number): { offset: number; length: number; bytes: Promise<Uint8Array> } {
    const length = Math.min(READ_BYTES, end - offset);
    const bytes = this.readAt(offset, length);
    // A read left in flight by a failure or a reset must not surface as an unhandled rejection.
    bytes.catch(() => {});
    return { offset, length, bytes };
  }

  private take(bytes: Uint8Array, how: 'streamed' | 'read-back'): void {
    this.hash.update(bytes);
    this.hashedTo += bytes.length;
    if (how === 'streamed') this.counted.streamed += bytes.length;
    else this.counted.readBack += bytes.length;
  }
}

/** Where the run of written bytes that covers `from` ends (exclusive); `from` when none does. */
export function prefixEnd(done: readonly ByteRange[], from: number): number {
  const covering = done.find((r) => r.start <= from && r.end >= from);
  return covering ? covering.end + 1 : from;
}
