import { describe, expect, it } from 'vitest';
import { describeSize, formatBytes } from '../../src/shared/format-bytes';

const MIB = 1024 * 1024;

describe('formatBytes', () => {
  it.each([
    [0, '0 B', '0 B'],
    [1023, '1023 B', '1023 B'],
    [1536, '1.5 KiB', '1.5 KiB'],
    [64 * MIB, '64 MiB', '64.0 MiB'],
    [9.96 * MIB, '10.0 MiB', '10.0 MiB'],
    [5 * 1024 ** 4, '5.0 TiB', '5.0 TiB'],
    [3 * 1024 ** 5, '3072 TiB', '3072.0 TiB'],
  ])('%d bytes → %s (popup), %s (command line)', (bytes, short, fixed) => {
    expect(formatBytes(bytes)).toBe(short);
    expect(formatBytes(bytes, 'short')).toBe(short);
    expect(formatBytes(bytes, 'fixed')).toBe(fixed);
  });

  it('rounds a fractional byte count (a speed) to whole bytes', () => {
    expect(formatBytes(511.6, 'fixed')).toBe('512 B');
  });
});

describe('describeSize (notes and errors)', () => {
  it.each([
    [300, '300 bytes'],
    [MIB - 1, `${MIB - 1} bytes`],
    [MIB, '1.0 MiB'],
    [32 * MIB, '32.0 MiB'],
    [3 * 1024 * MIB, '3072.0 MiB'],
  ])('%d → %s', (bytes, text) => {
    expect(describeSize(bytes)).toBe(text);
  });
});
