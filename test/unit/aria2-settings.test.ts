import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, settingsFromStorage, validateSettings } from '../../src/shared/settings';

describe('aria2 settings', () => {
  it('default to off, aria2’s default endpoint and no secret', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      sendToAria2: false,
      aria2RpcUrl: 'http://127.0.0.1:6800/jsonrpc',
      aria2Secret: '',
    });
  });

  it('accept http(s) and ws(s) endpoints and any printable secret', () => {
    for (const aria2RpcUrl of [
      'https://nas.local:6800/jsonrpc',
      'ws://10.0.0.2:6800/jsonrpc',
      'wss://a.b/rpc',
    ]) {
      const checked = validateSettings({
        ...DEFAULT_SETTINGS,
        aria2RpcUrl,
        aria2Secret: 'p@ss wörd',
        sendToAria2: true,
      });
      expect(checked).toEqual({
        ok: true,
        value: { ...DEFAULT_SETTINGS, aria2RpcUrl, aria2Secret: 'p@ss wörd', sendToAria2: true },
      });
    }
  });

  it.each([
    ['ftp://127.0.0.1:6800/jsonrpc', ''],
    ['http://user:pw@127.0.0.1:6800/jsonrpc', ''],
    ['http://127.0.0.1:6800/jsonrpc?token=x', ''],
    ['http://127.0.0.1:6800/jsonrpc', 'line\nbreak'],
    ['http://127.0.0.1:6800/jsonrpc', 'x'.repeat(1025)],
  ])('refuse %j with secret %j', (aria2RpcUrl, aria2Secret) => {
    expect(validateSettings({ ...DEFAULT_SETTINGS, aria2RpcUrl, aria2Secret }).ok).toBe(false);
  });

  it('stored settings from before aria2 get its defaults; a bad stored URL falls back alone', () => {
    const old = { ...DEFAULT_SETTINGS } as Record<string, unknown>;
    delete old.sendToAria2;
    delete old.aria2RpcUrl;
    delete old.aria2Secret;
    expect(settingsFromStorage({ ...old, thresholdBytes: 1 })).toEqual({
      ...DEFAULT_SETTINGS,
      thresholdBytes: 1,
    });
    expect(
      settingsFromStorage({ ...DEFAULT_SETTINGS, aria2RpcUrl: 'javascript:1', aria2Secret: 's' }),
    ).toEqual({
      ...DEFAULT_SETTINGS,
      aria2Secret: 's',
    });
  });
});
