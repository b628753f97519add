import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accel, fileSha256 } from '../helpers/accel-cli';
import { MIB } from '../helpers/run-engine';
import { gets, peakConcurrency, useServers } from '../helpers/served';
import { patternSource, sha256Of, sharedLinkServer } from '../server';

const { serve } = useServers();
let dir = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'accel-connections-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CLI connections', () => {
  // One connection gets 3 MiB/s and two already fill the 4 MiB/s link: the ramp stops early, -n does not ramp.
  const link = { bytesPerSecond: 3 * MIB, totalBytesPerSecond: 4 * MIB };

  it('without -n, adds connections only while they make the download faster', async () => {
    const source = patternSource(12 * MIB, 91);
    const server = await serve(sharedLinkServer(source, link));
    const run = await accel([server.url, '-o', 'ramped.bin', '--quiet'], dir).done;
    expect(run.code).toBe(0);
    expect(await fileSha256(join(dir, 'ramped.bin'))).toBe(await sha256Of(source));
    // 2 -> 4 added nothing, so 8 was never tried (one more may show for a moment: a dropped request).
    expect(peakConcurrency(gets(server))).toBeLessThanOrEqual(5);
  });

  it('with -n, opens that many at once, as aria2c -x and axel -n do', async () => {
    const source = patternSource(12 * MIB, 92);
    const server = await serve(sharedLinkServer(source, link));
    const run = await accel([server.url, '-n', '6', '-o', 'six.bin', '--quiet'], dir).done;
    expect(run.code).toBe(0);
    expect(await fileSha256(join(dir, 'six.bin'))).toBe(await sha256Of(source));
    const requests = gets(server);
    expect(peakConcurrency(requests)).toBeGreaterThanOrEqual(6);
    // All six within moments of the first answer, not a ramp's steps apart.
    const starts = requests.map((r) => r.startedAtMs).sort((a, b) => a - b);
    expect((starts[5] as number) - (starts[0] as number)).toBeLessThan(1000);
  });
});
