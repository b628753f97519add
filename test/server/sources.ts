import { createHash } from 'node:crypto';

/** The bytes a test server serves. Read by slices so a source can be larger than memory (or than 4 GiB). */
export interface FileSource {
  readonly size: number;
  /** Short name of the content for default ETags: sources with equal tags and sizes hold equal bytes. */
  readonly tag?: string;
  /** Bytes [start, endExclusive); the caller keeps both within [0, size]. */
  slice(start: number, endExclusive: number): Buffer;
}

/** A source backed by one in-memory buffer; slices are views, not copies. Its tag is a hash prefix. */
export function bufferSource(buf: Buffer): FileSource {
  let tag: string | undefined;
  return {
    size: buf.length,
    get tag() {
      tag ??= createHash('sha256').update(buf).digest('hex').slice(0, 12);
      return tag;
    },
    slice: (start, endExclusive) => buf.subarray(start, endExclusive),
  };
}

const BLOCK_BYTES = 64 * 1024;
// Enough cached blocks for a handful of concurrent streams to read their partial blocks without regenerating.
const CACHED_BLOCKS = 32;

/**
 * Deterministic pseudo-random bytes computed from the offset, so a 5 GiB file costs no memory. Each 64 KiB block
 * comes from a xorshift PRNG seeded by (block index, seed): bytes moved to a wrong offset, even by a whole block,
 * change the SHA-256. Two sources with different seeds differ everywhere, which models "a new version".
 */
export function patternSource(size: number, seed = 1): FileSource {
  const cache = new Map<number, Buffer>();
  const block = (index: number): Buffer => {
    const hit = cache.get(index);
    if (hit) return hit;
    const fresh = fillBlock(index, seed);
    if (cache.size >= CACHED_BLOCKS) cache.delete(cache.keys().next().value as number);
    cache.set(index, fresh);
    return fresh;
  };
  return {
    size,
    tag: `p${seed}`,
    slice(start, endExclusive) {
      const out = Buffer.allocUnsafe(Math.max(0, endExclusive - start));
      for (let offset = start; offset < endExclusive; ) {
        const index = Math.floor(offset / BLOCK_BYTES);
        const within = offset - index * BLOCK_BYTES;
        const take = Math.min(BLOCK_BYTES - within, endExclusive - offset);
        block(index).copy(out, offset - start, within, within + take);
        offset += take;
      }
      return out;
    },
  };
}

function fillBlock(index: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(BLOCK_BYTES);
  const words = new Uint32Array(out.buffer, out.byteOffset, BLOCK_BYTES / 4);
  // Mix index and seed so neighbouring blocks and seeds start from unrelated states (xorshift must not start at 0).
  let x = Math.imul(index ^ Math.imul(seed, 0x85ebca6b), 0x9e3779b1);
  x = x === 0 ? 0x6d2b79f5 : x;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  return out;
}

/** Reads [start, endExclusive) in pieces of at most pieceBytes, for streaming without holding the range. */
export function* readPieces(
  source: FileSource,
  start: number,
  endExclusive: number,
  pieceBytes: number,
): Generator<Buffer> {
  for (let offset = start; offset < endExclusive; offset += pieceBytes) {
    yield source.slice(offset, Math.min(offset + pieceBytes, endExclusive));
  }
}

const HASH_PIECE_BYTES = 4 * 1024 * 1024;

/** Hex SHA-256 of the whole source, streamed, yielding to the event loop so servers keep serving meanwhile. */
export async function sha256Of(source: FileSource): Promise<string> {
  const hash = createHash('sha256');
  for (const piece of readPieces(source, 0, source.size, HASH_PIECE_BYTES)) {
    hash.update(piece);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return hash.digest('hex');
}
