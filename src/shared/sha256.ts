import { sha256 } from '@noble/hashes/sha2.js';
import type { Sha256 } from '../engine/integrity';
import { toHex } from '../engine/integrity';

/**
 * An incremental SHA-256 for the extension's pages and worker: WebCrypto's digest() takes the whole input at
 * once, so a file that streams through is hashed with @noble/hashes instead (README "Checksums" gives its
 * speed on the save's path).
 */
export function createSha256(): Sha256 {
  const hash = sha256.create();
  return {
    update: (bytes) => {
      hash.update(bytes);
    },
    digestHex: () => toHex(hash.digest()),
  };
}

/**
 * The SHA-256 of a whole stream (a Blob's `stream()`, say), read once in order: for a save that does not stream
 * its bytes through the extension's own code.
 */
export async function sha256OfStream(stream: ReadableStream<Uint8Array>): Promise<string> {
  const hash = createSha256();
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return hash.digestHex();
    hash.update(value);
  }
}
