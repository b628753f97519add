import { describe, expect, it } from 'vitest';
import { connectionLimitServer, patternSource, throttledServer, unevenServer } from './index';
import { rawRequest } from './raw-request';
import { Pacer } from './throttle';

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

  it('a response burst sends its first second of bytes at once, then the rest at the rate', async () => {
    const s = await throttledServer(source, { bytesPerSecond: MiB }, { responseBurstSeconds: 1 });
    const res = await rawRequest(s.url, range(0, 1.5 * MiB));
    await s.close();
    expect(res.body).toHaveLength(1.5 * MiB);
    // Unpaced, 1.5 MiB would take 1.5 s; the burst leaves 0.5 MiB at 1 MiB/s.
    expect(res.elapsedMs).toBeGreaterThan(300);
    expect(res.elapsedMs).toBeLessThan(1200);
  });

  it('coarse writes carry a fifth of a second each and keep the rate', async () => {
    expect(new Pacer(MiB, 0.2).writeBytes).toBe(Math.round(0.2 * MiB));
    const s = await throttledServer(source, { bytesPerSecond: MiB }, { writeSeconds: 0.2 });
    const res = await rawRequest(s.url, range(0, MiB));
    await s.close();
    expect(res.body).toHaveLength(MiB);
    expect(res.elapsedMs).toBeGreaterThan(500);
    expect(res.elapsedMs).toBeLessThan(2000);
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
