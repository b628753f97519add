import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GainMeter, median } from '../../src/background/gain-meter';
import type { ConnectionProgress, Progress } from '../../src/engine/types';
import { formatGain } from '../../src/popup/gain';
import { useCatalog } from '../../src/shared/i18n';
import { localeCatalog } from './locale-catalog';

const catalog = localeCatalog;

function progress(speeds: number[]): Progress {
  const connections = speeds.map(
    (speed, id): ConnectionProgress => ({
      id,
      state: 'receiving',
      range: { start: 0, end: 1 },
      receivedBytes: 0,
      speedBytesPerSecond: speed,
    }),
  );
  return {
    doneBytes: 0,
    totalBytes: null,
    speedBytesPerSecond: speeds.reduce((a, b) => a + b, 0),
    etaMs: null,
    connections,
  };
}

describe('the measured gain', () => {
  beforeAll(() => useCatalog(catalog('en')));
  afterAll(() => useCatalog(null));

  it('is the download speed over the median connection speed, averaged over time', () => {
    const meter = new GainMeter();
    meter.sample(progress([8, 8, 8, 8]), 0);
    for (let t = 250; t <= 2000; t += 250) meter.sample(progress([8, 8, 8, 8]), t);
    expect(meter.result()).toBeCloseTo(4);
    // Uneven connections: 1+1+8+8 = 18 against a median of 4.5.
    const uneven = new GainMeter();
    for (let t = 0; t <= 2000; t += 250) uneven.sample(progress([1, 1, 8, 8]), t);
    expect(uneven.result()).toBeCloseTo(4);
  });

  it('uses one connection timed alone when the take-over probe measured it (a shared bottleneck: no gain)', () => {
    const meter = new GainMeter(32);
    for (let t = 0; t <= 2000; t += 250) meter.sample(progress([8, 8, 8, 8]), t);
    expect(meter.result()).toBeCloseTo(1);
  });

  it('says nothing before a second of flowing bytes, nor for stalled samples', () => {
    const meter = new GainMeter();
    for (let t = 0; t <= 750; t += 250) meter.sample(progress([8, 8]), t);
    expect(meter.result()).toBeNull();
    for (let t = 1000; t <= 5000; t += 250) meter.sample(progress([]), t);
    expect(meter.result()).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it("is written with one decimal for a completed job only, in the browser's language", () => {
    const done = { status: 'completed', downloadId: 1 } as const;
    expect(formatGain({ gain: 3.12, state: done })).toBe('3.1x the speed of one connection');
    expect(formatGain({ gain: 6, state: done })).toBe('6.0x the speed of one connection');
    expect(formatGain({ gain: null, state: done })).toBeNull();
    expect(formatGain({ gain: 3, state: { status: 'running' } })).toBeNull();
    useCatalog(catalog('zh_CN'));
    expect(formatGain({ gain: 3.08, state: done })).toBe('单个连接速度的 3.1 倍');
    useCatalog(catalog('en'));
  });
});
