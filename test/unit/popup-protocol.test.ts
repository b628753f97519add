import { describe, expect, it } from 'vitest';
import { parseMessage, WORKER_MESSAGES } from '../../src/shared/protocol';

const jobId = '0b6a7c1e-2f3d-4a5b-8c9d-0e1f2a3b4c5d';

describe("job/limit, the popup's per-download speed limit", () => {
  it('takes a whole number of bytes per second, 0 for none, or null for the setting', () => {
    for (const bytesPerSecond of [0, 1_048_576, null]) {
      expect(parseMessage({ type: 'job/limit', jobId, bytesPerSecond }, WORKER_MESSAGES)).toEqual({
        ok: true,
        value: { type: 'job/limit', jobId, bytesPerSecond },
      });
    }
  });

  it('refuses anything else', () => {
    for (const bad of [
      { type: 'job/limit', jobId, bytesPerSecond: -1 },
      { type: 'job/limit', jobId, bytesPerSecond: 1.5 },
      { type: 'job/limit', jobId, bytesPerSecond: '1M' },
      { type: 'job/limit', jobId },
      { type: 'job/limit', jobId: 'x', bytesPerSecond: 0 },
      { type: 'job/limit', jobId, bytesPerSecond: 0, extra: 1 },
    ]) {
      expect(parseMessage(bad, WORKER_MESSAGES).ok, JSON.stringify(bad)).toBe(false);
    }
  });
});
