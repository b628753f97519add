import { describe, expect, it } from 'vitest';
import { parseMessage, sha256Hex, WORKER_MESSAGES } from '../../src/shared/protocol';

const JOB = '6f1c1a1e-1c1a-4c1a-8c1a-1c1a1c1a1c1a';
const HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('job/expect-sha256', () => {
  it.each([
    [HEX, HEX],
    [HEX.toUpperCase(), HEX],
    [`  sha256:${HEX}\n`, HEX],
    [`SHA-256=${HEX}`, HEX],
  ])('accepts %j as %s', (given, normalised) => {
    const parsed = parseMessage({ type: 'job/expect-sha256', jobId: JOB, sha256: given }, WORKER_MESSAGES);
    expect(parsed).toEqual({
      ok: true,
      value: { type: 'job/expect-sha256', jobId: JOB, sha256: normalised },
    });
  });

  it('accepts null, which clears the expected hash', () => {
    const parsed = parseMessage({ type: 'job/expect-sha256', jobId: JOB, sha256: null }, WORKER_MESSAGES);
    expect(parsed).toEqual({ ok: true, value: { type: 'job/expect-sha256', jobId: JOB, sha256: null } });
  });

  it.each([
    [{ type: 'job/expect-sha256', jobId: JOB }],
    [{ type: 'job/expect-sha256', jobId: JOB, sha256: '' }],
    [{ type: 'job/expect-sha256', jobId: JOB, sha256: HEX.slice(1) }],
    [{ type: 'job/expect-sha256', jobId: JOB, sha256: `${HEX}0` }],
    [{ type: 'job/expect-sha256', jobId: JOB, sha256: `${HEX.slice(1)}g` }],
    [{ type: 'job/expect-sha256', jobId: JOB, sha256: `md5:${HEX}` }],
    [{ type: 'job/expect-sha256', jobId: JOB, sha256: 42 }],
    [{ type: 'job/expect-sha256', jobId: 'nope', sha256: HEX }],
    [{ type: 'job/expect-sha256', jobId: JOB, sha256: HEX, extra: 1 }],
  ])('rejects %j', (message) => {
    expect(parseMessage(message, WORKER_MESSAGES).ok).toBe(false);
  });

  it('normalises only real SHA-256 hex', () => {
    expect(sha256Hex(HEX)).toBe(HEX);
    expect(sha256Hex('x'.repeat(64))).toBeUndefined();
  });
});
