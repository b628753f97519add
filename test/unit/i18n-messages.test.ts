import { afterAll, describe, expect, it } from 'vitest';
import { Aria2Client } from '../../src/background/aria2/client';
import { httpTransport, type WebSocketLike, wsTransport } from '../../src/background/aria2/transports';
import { describeSize } from '../../src/shared/format-bytes';
import { useCatalog } from '../../src/shared/i18n';
import { DEFAULT_SETTINGS, validateSettings } from '../../src/shared/settings';
import { localeCatalog } from './locale-catalog';

/** Words the worker and the options page build themselves (aria2's reasons, sizes, settings) follow the catalog. */

const catalog = localeCatalog;
const en = catalog('en');
const zh = catalog('zh_CN');
const CJK = /[\u4e00-\u9fff]/;

afterAll(() => useCatalog(en));

/** A WebSocket that does what `act` makes it do once the request is sent. */
function socket(act: (s: WebSocketLike) => void): () => WebSocketLike {
  return () => {
    const s: WebSocketLike = {
      onopen: null,
      onmessage: null,
      onerror: null,
      onclose: null,
      send: () => queueMicrotask(() => act(s)),
      close: () => {},
    };
    queueMicrotask(() => s.onopen?.({}));
    return s;
  };
}

const URL = 'ws://127.0.0.1:6800/jsonrpc';
const failing = (open: () => WebSocketLike, timeoutMs = 1000) =>
  wsTransport(open)(URL, '{}', 'accel-1', timeoutMs).then(
    () => '',
    (error: Error) => error.message,
  );

describe('why aria2 is unreachable, in the catalog’s words', () => {
  it.each([
    [
      'the socket fails',
      socket((s) => s.onerror?.({})),
      'the WebSocket failed (nothing listening, or not a WebSocket endpoint)',
      'WebSocket 连接失败',
    ],
    [
      'the socket closes',
      socket((s) => s.onclose?.({ code: 1006 })),
      'the WebSocket closed before the answer (code 1006)',
      'WebSocket 在应答前关闭（代码 1006）',
    ],
    [
      'the answer is not JSON',
      socket((s) => s.onmessage?.({ data: '<html>' })),
      'answered something that is not JSON',
      '不是 JSON',
    ],
  ])('%s', async (_, open, english, chinese) => {
    useCatalog(en);
    expect(await failing(open)).toBe(`aria2 is unreachable at ${URL}: ${english}`);
    useCatalog(zh);
    expect(await failing(open)).toContain(chinese);
  });

  it('no answer within the time', async () => {
    const silent = socket(() => {});
    useCatalog(en);
    expect(await failing(silent, 5)).toBe(`aria2 is unreachable at ${URL}: no answer within 5 ms`);
    useCatalog(zh);
    expect(await failing(silent, 5)).toContain('5 毫秒内没有应答');
  });

  it('an HTTP request that times out, and a body cut short', async () => {
    const timedOut = httpTransport(() => Promise.reject(new DOMException('timed out', 'TimeoutError')));
    const cut = httpTransport(() =>
      Promise.resolve({ status: 200, text: () => Promise.reject(new Error('reset')) } as unknown as Response),
    );
    const http = (transport: typeof cut) =>
      transport('http://127.0.0.1:6800/jsonrpc', '{}', 'accel-1', 1000).catch((e: Error) => e.message);
    useCatalog(en);
    expect(await http(timedOut)).toMatch(/: no answer in time$/);
    expect(await http(cut)).toMatch(/: HTTP 200, body cut short$/);
    useCatalog(zh);
    expect(await http(timedOut)).toContain('未能及时应答');
    expect(await http(cut)).toContain('HTTP 200，应答正文不完整');
  });

  it('an aria2 error without a message', async () => {
    const client = new Aria2Client(
      { rpcUrl: 'http://127.0.0.1:6800/jsonrpc', secret: '' },
      { http: async () => JSON.stringify({ jsonrpc: '2.0', id: 'accel-1', error: { code: 1 } }) },
    );
    useCatalog(en);
    await expect(client.version()).rejects.toThrow('aria2 aria2.getVersion failed: unknown error (code 1)');
    useCatalog(zh);
    await expect(client.version()).rejects.toThrow('未知错误');
  });
});

describe('sizes in notes', () => {
  it('below one MiB, in bytes, with no plural to get wrong', () => {
    useCatalog(en);
    expect(describeSize(300)).toBe('300 bytes');
    useCatalog(zh);
    expect(describeSize(300)).toBe('300 字节');
    expect(describeSize(8 * 1024 * 1024)).toBe('8.0 MiB');
  });
});

describe('settings refused', () => {
  it.each([
    ['not an object', null, 'settings must be an object'],
    ['a switch', { ...DEFAULT_SETTINGS, notifyOnFinish: 'yes' }, 'notifyOnFinish must be true or false'],
    [
      'the excluded domains',
      { ...DEFAULT_SETTINGS, excludedDomains: 'a.example' },
      'excludedDomains must be a list',
    ],
  ])('%s', (_, settings, english) => {
    useCatalog(en);
    expect(validateSettings(settings)).toEqual({ ok: false, error: english });
    useCatalog(zh);
    const refused = validateSettings(settings);
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.error).toMatch(CJK);
  });
});
