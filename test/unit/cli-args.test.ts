import { describe, expect, it } from 'vitest';
import { parseCommand, parseRate, UsageError } from '../../src/cli/args';

describe('CLI arguments', () => {
  it.each([
    ['500K', 500 * 1024],
    ['2M', 2 * 1024 ** 2],
    ['1.5m', 1.5 * 1024 ** 2],
    ['1G', 1024 ** 3],
    ['4096', 4096],
    ['2MiB/s', 2 * 1024 ** 2],
  ])('reads the rate %s', (text, bytes) => {
    expect(parseRate(text)).toBe(bytes);
  });

  it.each(['', 'fast', '-1M', '0', '100', '1T'])('refuses the rate "%s"', (text) => {
    expect(() => parseRate(text)).toThrow(UsageError);
  });

  it('has no rate limit unless asked', () => {
    expect(parseCommand(['http://x.test/f'])).toMatchObject({ kind: 'download', limitRate: null });
    expect(parseCommand(['http://x.test/f', '--limit-rate', '2M'])).toMatchObject({
      limitRate: 2 * 1024 ** 2,
    });
  });

  it('opens all of -n at once, and ramps up to 8 without it', () => {
    expect(parseCommand(['http://x.test/f'])).toMatchObject({ connections: 8, ramp: true });
    expect(parseCommand(['http://x.test/f', '-n', '6'])).toMatchObject({ connections: 6, ramp: false });
    expect(parseCommand(['http://x.test/f', '--connections', '8'])).toMatchObject({
      connections: 8,
      ramp: false,
    });
  });
});
