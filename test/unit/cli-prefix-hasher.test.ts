import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PrefixHasher } from '../../src/cli/prefix-hasher';
import type { Sha256 } from '../../src/engine/integrity';
import { addRange } from '../../src/engine/ranges';
import type { ByteRange } from '../../src/engine/types';

const MIB = 1024 * 1024;

function sha256(): Sha256 {
  const hash = createHash('sha256');
  return { update: (bytes) => hash.update(bytes), digestHex: () => hash.digest('hex') };
}

/** A file in memory written the way FileSink writes it, each write handed to the hasher with its ranges. */
function fileOf(size: number, failRead?: (offset: number) => Error | null) {
  const content = new Uint8Array(size);
  for (let i = 0; i < size; i++) content[i] = (i * 31 + (i >> 13)) & 255;
  const disk = new Uint8Array(size);
  const reads: [number, number][] = [];
  let done: ByteRange[] = [];
  const hasher = new PrefixHasher(sha256, async (offset, length) => {
    reads.push([offset, length]);
    const failure = failRead?.(offset);
    if (failure) throw failure;
    return disk.slice(offset, offset + length);
  });
  const write = (start: number, end: number) => {
    const bytes = content.slice(start, end);
    disk.set(bytes, start);
    done = addRange(done, { start, end: end - 1 });
    // Two chunks, as a batch of reads comes.
    const half = Math.floor(bytes.length / 2);
    hasher.written(start, [bytes.subarray(0, half), bytes.subarray(half)], done);
  };
  const expected = createHash('sha256').update(content).digest('hex');
  return { hasher, write, reads, expected };
}

describe('the CLI hash of a file whose pieces land out of order', () => {
  it('hashes in-order writes from the bytes in hand and reads nothing back', async () => {
    const f = fileOf(5 * MIB + 7);
    for (let at = 0; at < 5 * MIB + 7; at += MIB) f.write(at, Math.min(at + MIB, 5 * MIB + 7));
    expect(await f.hasher.digest(5 * MIB + 7)).toBe(f.expected);
    expect(f.hasher.hashed).toEqual({ streamed: 5 * MIB + 7, readBack: 0 });
    expect(f.reads).toEqual([]);
  });

  it('reads the bytes beyond the prefix back as soon as the prefix reaches them, in order, each once', async () => {
    const size = 10 * MIB + 5;
    const f = fileOf(size);
    f.write(MIB, size);
    f.write(0, MIB);
    // Queued after the front's write: everything was hashed before it, nothing is left for the end.
    f.hasher.mark();
    expect(await f.hasher.digest(size)).toBe(f.expected);
    expect(f.hasher.hashed).toEqual({ streamed: MIB, readBack: size - MIB });
    expect(f.hasher.hashedSinceMark).toEqual({ streamed: 0, readBack: 0 });
    expect(f.reads).toEqual([
      [MIB, 4 * MIB],
      [5 * MIB, 4 * MIB],
      [9 * MIB, MIB + 5],
    ]);
  });

  it('leaves for after the last write only what that write made contiguous', async () => {
    const size = 6 * MIB;
    const f = fileOf(size);
    f.write(2 * MIB, 3 * MIB);
    f.write(0, MIB);
    f.write(4 * MIB, 6 * MIB);
    f.write(MIB, 2 * MIB); // the prefix reaches 3 MiB: 2-3 MiB is read back now
    f.hasher.mark();
    f.write(3 * MIB, 4 * MIB); // the last write joins 3-6 MiB
    expect(await f.hasher.digest(size)).toBe(f.expected);
    expect(f.hasher.hashed).toEqual({ streamed: 3 * MIB, readBack: 3 * MIB });
    expect(f.hasher.hashedSinceMark).toEqual({ streamed: MIB, readBack: 2 * MIB });
  });

  it('hashes from memory a write that extends the prefix even when the hash runs behind the writes', async () => {
    const f = fileOf(3 * MIB);
    // All three written before any step runs: each step still sees the file as it was at its own write.
    f.write(0, MIB);
    f.write(MIB, 2 * MIB);
    f.write(2 * MIB, 3 * MIB);
    expect(await f.hasher.digest(3 * MIB)).toBe(f.expected);
    expect(f.hasher.hashed).toEqual({ streamed: 3 * MIB, readBack: 0 });
  });

  it('fails the digest when a read back fails, with that error', async () => {
    const f = fileOf(12 * MIB, (offset) => (offset === 5 * MIB ? new Error('EIO: i/o error, read') : null));
    f.write(MIB, 12 * MIB);
    f.write(0, MIB);
    await expect(f.hasher.digest(12 * MIB)).rejects.toThrow('EIO: i/o error, read');
  });

  it('fails the digest when the file gives back fewer bytes than were written', async () => {
    const hasher = new PrefixHasher(sha256, async (_offset, length) => new Uint8Array(length - 1));
    hasher.written(MIB, [new Uint8Array(MIB)], [{ start: MIB, end: 2 * MIB - 1 }]);
    hasher.written(0, [new Uint8Array(MIB)], [{ start: 0, end: 2 * MIB - 1 }]);
    await expect(hasher.digest(2 * MIB)).rejects.toThrow(
      `read ${MIB - 1} bytes of ${MIB} back from the file`,
    );
  });

  it('starts over on reset: steps queued for the old file do nothing', async () => {
    const f = fileOf(2 * MIB);
    f.hasher.written(0, [new Uint8Array(MIB).fill(9)], [{ start: 0, end: MIB - 1 }]);
    f.hasher.mark();
    f.hasher.reset();
    expect(f.hasher.hashedSinceMark).toBeNull();
    f.write(0, 2 * MIB);
    expect(await f.hasher.digest(2 * MIB)).toBe(f.expected);
  });
});
