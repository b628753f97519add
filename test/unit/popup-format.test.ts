import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDuration, formatSpeed, percent } from '../../src/popup/format';
import { useCatalog } from '../../src/shared/i18n';
import { localeCatalog } from './locale-catalog';

const catalog = localeCatalog;

describe('popup formatting', () => {
  beforeAll(() => useCatalog(catalog('en')));
  afterAll(() => useCatalog(null));

  it('formats speed and time left', () => {
    expect(formatSpeed(2.5 * 1024 * 1024)).toBe('2.5 MiB/s');
    expect(formatDuration(4_400)).toBe('4 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3_700_000)).toBe('1 h 1 min');
  });

  it('says durations in Chinese with the zh_CN catalog', () => {
    useCatalog(catalog('zh_CN'));
    expect(formatDuration(125_000)).toBe('2 分 5 秒');
    useCatalog(catalog('en'));
  });

  it('never shows 100 % before the last byte', () => {
    expect(percent(999, 1000)).toBe(99);
    expect(percent(1000, 1000)).toBe(100);
    expect(percent(5, null)).toBeNull();
  });
});
