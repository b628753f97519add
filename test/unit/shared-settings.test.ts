import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  isExcluded,
  settingsFromStorage,
  validateSettings,
} from '../../src/shared/settings';

describe('settings', () => {
  it('defaults: auto-capture on, 16 MiB, 6 connections, 3 at once, no speed limits', () => {
    expect(DEFAULT_SETTINGS).toEqual({
      autoCapture: true,
      thresholdBytes: 16 * 1024 * 1024,
      connectionsPerDownload: 6,
      concurrentDownloads: 3,
      excludedDomains: [],
      siteRules: [],
      overallLimitBytesPerSecond: 0,
      perDownloadLimitBytesPerSecond: 0,
      sendToAria2: false,
      aria2RpcUrl: 'http://127.0.0.1:6800/jsonrpc',
      aria2Secret: '',
      notifyOnFinish: false,
    });
  });

  it('takes speed limits as whole bytes per second, 0 for none', () => {
    const ok = validateSettings({ ...DEFAULT_SETTINGS, overallLimitBytesPerSecond: 2 * 1024 * 1024 });
    expect(ok).toMatchObject({ ok: true, value: { overallLimitBytesPerSecond: 2 * 1024 * 1024 } });
    for (const bad of [-1, 1.5, '1M', null]) {
      expect(validateSettings({ ...DEFAULT_SETTINGS, perDownloadLimitBytesPerSecond: bad }).ok).toBe(false);
    }
    // Settings stored before speed limits existed read as "no limits".
    const { overallLimitBytesPerSecond: _o, perDownloadLimitBytesPerSecond: _p, ...old } = DEFAULT_SETTINGS;
    expect(settingsFromStorage(old)).toEqual(DEFAULT_SETTINGS);
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
