import { describe, expect, it } from 'vitest';
import { formatDuration, formatSpeed, percent } from '../../src/popup/format';

describe('popup formatting', () => {
  it('formats speed and time left', () => {
    expect(formatSpeed(2.5 * 1024 * 1024)).toBe('2.5 MiB/s');
    expect(formatDuration(4_400)).toBe('4 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3_700_000)).toBe('1 h 1 min');
  });

  it('never shows 100 % before the last byte', () => {
    expect(percent(999, 1000)).toBe(99);
    expect(percent(1000, 1000)).toBe(100);
    expect(percent(5, null)).toBeNull();
  });
});
