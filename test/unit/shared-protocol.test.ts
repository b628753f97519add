import { describe, expect, it } from 'vitest';
import {
  isOwnSender,
  MAX_LINK_CHARS,
  OFFSCREEN_MESSAGES,
  parseMessage,
  WORKER_MESSAGES,
} from '../../src/shared/protocol';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';

const ID = 'fakemiedkhlmlmmbccllciacifpncpfc';
const ORIGIN = `chrome-extension://${ID}/`;
const JOB = '6f1c1a1e-1c1a-4c1a-8c1a-1c1a1c1a1c1a';

describe('sender check', () => {
  it.each([
    [{ id: ID, url: `${ORIGIN}src/popup/popup.html` }, true],
    [{ id: ID, url: `${ORIGIN}service-worker-loader.js` }, true],
    [{ id: ID, url: 'https://evil.example/' }, false], // a content script of ours on a web page
    [{ id: 'otherextensionidxxxxxxxxxxxxxxxxx', url: `${ORIGIN}src/popup/popup.html` }, false],
    [{ id: ID }, false],
    [{ url: `${ORIGIN}src/popup/popup.html` }, false],
    [{ id: ID, url: `chrome-extension://${ID}.evil.example/` }, false],
  ])('%j → %s', (sender, ok) => {
    expect(isOwnSender(sender, ID, ORIGIN)).toBe(ok);
  });
});

describe('payload validation', () => {
  it.each([
    { type: 'jobs/list' },
    { type: 'job/pause', jobId: JOB },
    { type: 'settings/get' },
    { type: 'settings/set', settings: DEFAULT_SETTINGS },
  ])('accepts %j', (message) => {
    expect(parseMessage(message, WORKER_MESSAGES)).toEqual({ ok: true, value: message });
  });

  it.each([
    null,
    'jobs/list',
    [],
    {},
    { type: 'nope' },
    { type: 'jobs/list', extra: 1 },
    { type: 'job/pause' },
    { type: 'job/pause', jobId: 42 },
    { type: 'job/pause', jobId: `${JOB}x` },
    { type: 'settings/set', settings: { ...DEFAULT_SETTINGS, connectionsPerDownload: 7 } },
    { type: 'settings/set', settings: { ...DEFAULT_SETTINGS, excludedDomains: ['a b'] } },
    { type: 'settings/set', settings: { ...DEFAULT_SETTINGS, thresholdBytes: -1 } },
    { type: 'offscreen/save', url: `chrome-extension://${'a'.repeat(32)}/save/${JOB}` },
  ])('rejects %j for the worker', (message) => {
    expect(parseMessage(message, WORKER_MESSAGES).ok).toBe(false);
  });

  it('the offscreen document accepts only its own messages, with save URLs of an extension', () => {
    const ok = `chrome-extension://${'a'.repeat(32)}/save/${JOB}`;
    expect(parseMessage({ type: 'offscreen/save', url: ok }, OFFSCREEN_MESSAGES).ok).toBe(true);
    for (const url of [
      'https://example.com/save/x',
      `chrome-extension://${'a'.repeat(32)}/src/popup/popup.html`,
      `chrome-extension://${'a'.repeat(32)}/save/${JOB}/../x`,
      `${ok}?x=1`,
      'blob:chrome-extension://x/1',
    ]) {
      expect(parseMessage({ type: 'offscreen/save', url }, OFFSCREEN_MESSAGES).ok).toBe(false);
    }
    expect(parseMessage({ type: 'offscreen/save', url: ok, extra: 1 }, OFFSCREEN_MESSAGES).ok).toBe(false);
    expect(parseMessage({ type: 'jobs/list' }, OFFSCREEN_MESSAGES).ok).toBe(false);
  });

  it('a link to add: an http(s) URL of bounded length, with an optional http(s) page it came from', () => {
    const ok = (message: Record<string, unknown>) => parseMessage(message, WORKER_MESSAGES);
    const long = `https://example.com/${'a'.repeat(MAX_LINK_CHARS - 'https://example.com/'.length)}`;
    for (const message of [
      { type: 'job/add-link', url: 'https://example.com/file.iso' },
      { type: 'job/add-link', url: 'http://127.0.0.1:8080/a%20b.bin?x=1#y' },
      { type: 'job/add-link', url: 'HTTPS://Example.com/x', pageUrl: 'http://example.com/downloads' },
      { type: 'job/add-link', url: long },
    ]) {
      // Kept as given: the URL is not normalised on the way in.
      expect(ok(message)).toEqual({ ok: true, value: message });
    }
    for (const message of [
      { type: 'job/add-link' },
      { type: 'job/add-link', url: 42 },
      { type: 'job/add-link', url: '' },
      { type: 'job/add-link', url: 'example.com/file.iso' },
      { type: 'job/add-link', url: '/file.iso' },
      { type: 'job/add-link', url: 'ftp://example.com/file.iso' },
      { type: 'job/add-link', url: 'file:///etc/passwd' },
      { type: 'job/add-link', url: 'javascript:alert(1)' },
      { type: 'job/add-link', url: 'data:text/plain,x' },
      { type: 'job/add-link', url: 'blob:https://example.com/1' },
      { type: 'job/add-link', url: `chrome-extension://${ID}/src/popup/popup.html` },
      { type: 'job/add-link', url: 'https://user:secret@example.com/file.iso' },
      { type: 'job/add-link', url: `${long}b` },
      { type: 'job/add-link', url: 'https://example.com/x', pageUrl: 'chrome://settings' },
      { type: 'job/add-link', url: 'https://example.com/x', pageUrl: null },
      {
        type: 'job/add-link',
        url: 'https://example.com/x',
        pageUrl: `https://example.com/${'p'.repeat(MAX_LINK_CHARS)}`,
      },
      { type: 'job/add-link', url: 'https://example.com/x', referrer: 'https://example.com/' },
      { type: 'job/add-link', url: 'https://example.com/x', filename: '../../evil.exe' },
    ]) {
      expect(ok(message).ok, JSON.stringify(message).slice(0, 120)).toBe(false);
    }
    // The offscreen document takes no links.
    expect(parseMessage({ type: 'job/add-link', url: 'https://example.com/x' }, OFFSCREEN_MESSAGES).ok).toBe(
      false,
    );
  });

  it('normalises excluded domains', () => {
    const parsed = parseMessage(
      {
        type: 'settings/set',
        settings: { ...DEFAULT_SETTINGS, excludedDomains: ['*.Example.COM', 'example.com.', 'a.b'] },
      },
      WORKER_MESSAGES,
    );
    expect(
      parsed.ok && parsed.value.type === 'settings/set' && parsed.value.settings.excludedDomains,
    ).toEqual(['example.com', 'a.b']);
  });
});
