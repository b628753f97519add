import { createSHA256 } from 'hash-wasm';
import type { Sha256 } from '../engine/integrity';

/**
 * An incremental SHA-256 for the extension's pages and worker: WebCrypto's digest() takes the whole input at
 * once, so a file that streams through is hashed with hash-wasm's WebAssembly SHA-256 instead (README
 * "Checksums" gives its speed on the save's path; the manifest's CSP allows 'wasm-unsafe-eval' for it). Each
 * hash has its own instance, made asynchronously (the module is compiled once).
 */
export async function createSha256(): Promise<Sha256> {
  const hasher = await createSHA256();
  hasher.init();
  return {
    update: (bytes) => {
      hasher.update(bytes);
    },
    digestHex: () => hasher.digest('hex'),
  };
}
