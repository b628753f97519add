import type { Sha256 } from '../engine/integrity';
import type { ByteRange } from '../engine/types';

/** Bytes read back from the file per step: bounded memory whatever the gap. */
const READ_BYTES = 4 * 1024 * 1024;

/**
 * The SHA-256 of a file whose pieces land out of order: the hash follows the file's contiguous prefix as it
 * grows. A piece written exactly at the end of the prefix is hashed from the bytes in hand (the stream); the
 * pieces that had landed beyond it, and the prefix a resumed run finds on disk, are read back from the file:
 * just written, they come from the page cache, and each byte is read back at most once. So the hash is done
 * when the last piece is, instead of a whole-file read after it. Hashing runs on one chain beside the writes.
 */
export class PrefixHasher {
  private hash: Sha256;
  private hashedTo = 0;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  /** Bumped by `reset`: steps queued for the old file do nothing. */
  private generation = 0;
  /** Bytes hashed from what was written / read back from the file (for the curious and the tests). */
  streamedBytes = 0;
  readBackBytes = 0;

  constructor(
    private readonly create: () => Sha256,
    private readonly readAt: (offset: number, length: number) => Promise<Uint8Array>,
  ) {
    this.hash = create();
  }

  /**
   * `chunks` (concatenated) were written at `offset`; `done()` gives the file's written ranges at the time the
   * step runs. Takes references to the chunks until the step has run: they must not be reused meanwhile.
   */
  written(offset: number, chunks: readonly Uint8Array[], done: () => readonly ByteRange[]): void {
    const generation = this.generation;
    this.chain = this.chain.then(async () => {
      if (generation !== this.generation || this.failure !== null) return;
      try {
        if (offset === this.hashedTo) {
          for (const chunk of chunks) this.take(chunk, 'streamed');
        }
        await this.catchUp(prefixEnd(done(), this.hashedTo), generation);
      } catch (error) {
        this.failure = error;
      }
    });
  }

  /** Hashes what is on disk already (a resumed run's prefix), in the background. */
  follow(done: () => readonly ByteRange[]): void {
    this.written(-1, [], done);
  }

  /** The file starts over from nothing. */
  reset(): void {
    this.generation++;
    this.hash = this.create();
    this.hashedTo = 0;
    this.failure = null;
  }

  /** Once every write is in: the SHA-256 of the first `size` bytes (lowercase hex). */
  async digest(size: number): Promise<string> {
    await this.chain;
    if (this.failure !== null) throw this.failure;
    await this.catchUp(size, this.generation);
    return this.hash.digestHex();
  }

  private async catchUp(end: number, generation: number): Promise<void> {
    while (this.hashedTo < end && generation === this.generation) {
      const length = Math.min(READ_BYTES, end - this.hashedTo);
      const bytes = await this.readAt(this.hashedTo, length);
      if (generation !== this.generation) return;
      if (bytes.length !== length)
        throw new Error(`read ${bytes.length} bytes of ${length} back from the file`);
      this.take(bytes, 'read-back');
    }
  }

  private take(bytes: Uint8Array, how: 'streamed' | 'read-back'): void {
    this.hash.update(bytes);
    this.hashedTo += bytes.length;
    if (how === 'streamed') this.streamedBytes += bytes.length;
    else this.readBackBytes += bytes.length;
  }
}

/** Where the run of written bytes that covers `from` ends (exclusive); `from` when none does. */
function prefixEnd(done: readonly ByteRange[], from: number): number {
  const covering = done.find((r) => r.start <= from && r.end >= from);
  return covering ? covering.end + 1 : from;
}
