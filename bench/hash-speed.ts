/**
 * The cost of hashing a download as it streams: MiB/s of SHA-256 over 4 MiB slices (the save stream's slice
 * size), for hash-wasm (the extension's, WebAssembly) and node:crypto (the CLI's, native). `npm run bench:hash`.
 */
import { createHash } from 'node:crypto';
import { createSha256 } from '../src/shared/sha256';

const SLICE = 4 * 1024 * 1024;
const TOTAL = Number(process.env.HASH_MIB ?? 512) * 1024 * 1024;

async function measure(
  name: string,
  hashAll: (slice: Uint8Array, count: number) => string | Promise<string>,
): Promise<void> {
  const slice = new Uint8Array(SLICE);
  for (let i = 0; i < slice.length; i++) slice[i] = (i * 31 + 7) & 0xff;
  const count = TOTAL / SLICE;
  await hashAll(slice, 4); // warm up
  const started = performance.now();
  await hashAll(slice, count);
  const seconds = (performance.now() - started) / 1000;
  const mib = TOTAL / 1024 / 1024;
  console.log(
    `${name.padEnd(16)} ${(mib / seconds).toFixed(0).padStart(5)} MiB/s  (${mib} MiB in ${seconds.toFixed(2)} s)`,
  );
}

await measure('hash-wasm', async (slice, count) => {
  const hash = await createSha256();
  for (let i = 0; i < count; i++) hash.update(slice);
  return hash.digestHex();
});
await measure('node:crypto', (slice, count) => {
  const hash = createHash('sha256');
  for (let i = 0; i < count; i++) hash.update(slice);
  return hash.digest('hex');
});
