import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accel, fileSha256, hexToBase64 } from '../helpers/accel-cli';
import { MIB } from '../helpers/run-engine';
import { correctServer, patternSource, type RangeServer, sha256Of, throttledServer } from '../server';

let dir = '';
let server: RangeServer | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'accel-sum-'));
});
afterEach(async () => {
  await server?.close();
  server = null;
  await rm(dir, { recursive: true, force: true });
});

const WRONG = 'ab'.repeat(32);

describe('accel --checksum and the server digest headers', () => {
  const source = patternSource(6 * MIB + 12345, 61);

  it('keeps a file whose SHA-256 is the one given, and says it matched', async () => {
    server = await correctServer(source);
    const sha = await sha256Of(source);
    const run = await accel(
      [server.url, '-n', '4', '-o', 'ok.bin', '--checksum', `sha256=${sha.toUpperCase()}`],
      dir,
    ).done;
    expect(run.stderr).toContain(`sha256 ${sha}: matches the SHA-256 you gave`);
    expect(run.code).toBe(0);
    expect(await fileSha256(join(dir, 'ok.bin'))).toBe(sha);
  });

  it('exits 1 on a wrong --checksum and leaves no file, no partial file and no resume record', async () => {
    server = await correctServer(source);
    const run = await accel([server.url, '-n', '4', '-o', 'bad.bin', '--checksum', `sha256=${WRONG}`], dir)
      .done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`accel: checksum mismatch: the file's SHA-256 is ${await sha256Of(source)}`);
    expect(run.stderr).toContain(`but the SHA-256 you gave is ${WRONG}`);
    expect(await readdir(dir)).toEqual([]);
    // A rerun starts from nothing: it does not resume (splice) the deleted bytes.
    const again = await accel([server.url, '-n', '4', '-o', 'bad.bin'], dir).done;
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('resuming');
  });

  it.each([
    [
      'repr-digest',
      (b64: string) => `sha-512=:${'A'.repeat(86)}==:, sha-256=:${b64}:`,
      "the server's Repr-Digest",
    ],
    ['digest', (b64: string) => `MD5=XUFAKrxLKna5cZ2REBfFkg==, SHA-256=${b64}`, "the server's Digest header"],
  ])('verifies a right %s header and refuses a wrong one', async (name, value, source_) => {
    const sha = await sha256Of(source);
    server = await correctServer(source, { extraHeaders: { [name]: value(hexToBase64(sha)) } });
    const good = await accel([server.url, '-n', '3', '-o', 'good.bin'], dir).done;
    expect(good.code).toBe(0);
    expect(good.stderr).toContain(`sha256 ${sha}: matches ${source_}`);
    expect(await fileSha256(join(dir, 'good.bin'))).toBe(sha);
    await server.close();

    server = await correctServer(source, { extraHeaders: { [name]: value(hexToBase64(WRONG)) } });
    const bad = await accel([server.url, '-n', '3', '-o', 'bad.bin'], dir).done;
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`but ${source_} is ${WRONG}`);
    expect(existsSync(join(dir, 'bad.bin'))).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(['good.bin']);
  });

  it('hashes the pieces as they land: nothing but out-of-order pieces is read back', async () => {
    const big = patternSource(24 * MIB, 62);
    server = await throttledServer(big, { bytesPerSecond: 4 * MIB });
    const sha = await sha256Of(big);
    const run = await accel(
      [server.url, '-n', '4', '-o', 'big.bin', '--checksum', `sha256=${sha}`, '--verbose'],
      dir,
    ).done;
    expect(run.code).toBe(0);
    const hashed = hashedBytes(run.stderr);
    expect(hashed.streamed + hashed.readBack).toBe(big.size);
    expect(hashed.streamed).toBeGreaterThan(0);
    // What the prefix reached before the last write was hashed before it: after the last byte, only the bytes
    // that write made contiguous are left, not every byte read back.
    expect(hashed.after.streamed + hashed.after.readBack).toBe(hashed.joined);
    expect(hashed.after.readBack).toBeLessThanOrEqual(hashed.readBack);
    expect(hashed.joined).toBeLessThan(big.size);
  });

  it('reads nothing back from a single in-order stream (-n 1)', async () => {
    const big = patternSource(8 * MIB + 3, 63);
    server = await throttledServer(big, { bytesPerSecond: 16 * MIB });
    const sha = await sha256Of(big);
    const run = await accel(
      [server.url, '-n', '1', '-o', 'one.bin', '--checksum', `sha256=${sha}`, '--verbose'],
      dir,
    ).done;
    expect(run.code).toBe(0);
    const hashed = hashedBytes(run.stderr);
    expect(hashed).toMatchObject({ streamed: big.size, readBack: 0, after: { readBack: 0 } });
    // The last write joined its own bytes only (one batch of at most the sink's 1 MiB, plus a chunk).
    expect(hashed.after.streamed).toBe(hashed.joined);
    expect(hashed.joined).toBeGreaterThan(0);
    expect(hashed.joined).toBeLessThanOrEqual(2 * MIB);
  });

  it('refuses a --checksum of another algorithm or length before any request', async () => {
    server = await correctServer(source);
    for (const bad of ['md5=00112233445566778899aabbccddeeff', `sha256=${WRONG.slice(2)}`, 'sha256=xyz']) {
      const run = await accel([server.url, '--checksum', bad], dir).done;
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--checksum');
    }
    expect(server.requests).toHaveLength(0);
  });
});

/** What `accel -v` says of the hash: bytes hashed as written / read back, and of the write that completed the file. */
function hashedBytes(stderr: string) {
  const m =
    /hashed (\d+) bytes as written, (\d+) read back from the file; (\d+) after the last write \((\d+) of them read back\), which joined (\d+) bytes to the prefix/.exec(
      stderr,
    );
  expect(m, stderr).not.toBeNull();
  const [streamed = 0, readBack = 0, after = 0, afterReadBack = 0, joined = 0] = (m ?? [])
    .slice(1)
    .map(Number);
  return { streamed, readBack, joined, after: { streamed: after - afterReadBack, readBack: afterReadBack } };
}
