import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, isExcluded, settingsFromStorage } from '../../src/shared/settings';

describe('settings', () => {
  it('defaults: auto-capture on, 16 MiB, 6 connections, 3 at once', () => {
    expect(DEFAULT_SETTINGS).toEqual({
      autoCapture: true,
      thresholdBytes: 16 * 1024 * 1024,
      connectionsPerDownload: 6,
      concurrentDownloads: 3,
      excludedDomains: [],
    });
  });

  it('keeps valid stored fields and defaults the rest', () => {
    expect(
      settingsFromStorage({ autoCapture: false, connectionsPerDownload: 99, concurrentDownloads: 2 }),
    ).toEqual({
      ...DEFAULT_SETTINGS,
      autoCapture: false,
      concurrentDownloads: 2,
    });
    expect(settingsFromStorage(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(settingsFromStorage('garbage')).toEqual(DEFAULT_SETTINGS);
  });

  it('excludes a domain and its subdomains only', () => {
    expect(isExcluded('example.com', ['example.com'])).toBe(true);
    expect(isExcluded('cdn.Example.com', ['example.com'])).toBe(true);
    expect(isExcluded('badexample.com', ['example.com'])).toBe(false);
  });
});
