import { describe, expect, it } from 'vitest';
import { connectionLimitServer, patternSource, throttledServer, unevenServer } from './index';
import { rawRequest } from './raw-request';

const KiB = 1024;
const MiB = 1024 * KiB;
const source = patternSource(4 * MiB, 3);
const range = (start: number, lengthBytes: number) => ({
  headers: { range: `bytes=${start}-${start + lengthBytes - 1}` },
});

// Bounds are loose on purpose: the machine is shared and noisy. Accuracy is measured in the report, not here.
describe('throttling', () => {
  it('throttledServer sends 1 MiB at 1 MiB/s in about a second', async () => {
    const s = await throttledServer(source, { bytesPerSecond: MiB });
    const res = await rawRequest(s.url, range(0, MiB));
    await s.close();
    expect(res.body).toHaveLength(MiB);
    expect(res.elapsedMs).toBeGreaterThan(700);
    expect(res.elapsedMs).toBeLessThan(2000);
  });

  it('caps each connection, not the server: four connections get four times the rate', async () => {
    const s = await throttledServer(source, { bytesPerSecond: 2 * MiB });
    const startedMs = performance.now();
    const all = await Promise.all([0, 1, 2, 3].map((i) => rawRequest(s.url, range(i * MiB, MiB))));
    const elapsedMs = performance.now() - startedMs;
    await s.close();
    expect(all.every((r) => r.body.length === MiB)).toBe(true);
    expect(elapsedMs).toBeGreaterThan(350);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('unevenServer gives the k-th connection rates[k % rates.length]', async () => {
    const s = await unevenServer(source, { rates: [8 * MiB, 512 * KiB] });
    const fast = await rawRequest(s.url, range(0, 512 * KiB));
    const slow = await rawRequest(s.url, range(0, 512 * KiB));
    const fastAgain = await rawRequest(s.url, range(0, 512 * KiB));
    await s.close();
    expect(s.requests.map((r) => r.connectionId)).toEqual([0, 1, 2]);
    expect(slow.elapsedMs).toBeGreaterThan(600);
    expect(slow.elapsedMs).toBeGreaterThan(3 * Math.max(fast.elapsedMs, fastAgain.elapsedMs));
  });

  it('a connection limit and a throttle combine', async () => {
    const s = await connectionLimitServer(source, { maxConcurrent: 1, bytesPerSecond: 256 * KiB });
    const first = rawRequest(s.url, range(0, 128 * KiB));
    while (s.bytesSent === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await rawRequest(s.url, range(0, 10));
    const firstDone = await first;
    await s.close();
    expect(firstDone.status).toBe(206);
    expect(firstDone.elapsedMs).toBeGreaterThan(300);
    expect(second.status).toBe(503);
  });
});
