import { afterEach, describe, expect, it } from 'vitest';
import { describeNotice } from '../../src/background/notices';
import type { ErrorDetail } from '../../src/engine/error-detail';
import {
  AbortedError,
  ChecksumMismatchError,
  ContentEncodingError,
  ContentRangeError,
  type DownloadError,
  HttpStatusError,
  LinkExpiredError,
  NetworkError,
  NoRangesError,
  RedirectedError,
  ResourceChangedError,
  RetriesExhaustedError,
  StorageError,
  TlsCertificateError,
  TruncatedBodyError,
  UrlNotAllowedError,
} from '../../src/engine/errors';
import { failureNote } from '../../src/popup/failure';
import { errorText } from '../../src/shared/error-text';
import { useCatalog } from '../../src/shared/i18n';
import { serializeError } from '../../src/shared/job-state';
import { localeCatalog } from './locale-catalog';

/**
 * Engine errors in the user's language: every kind of fact an error carries is worded by the catalog. In
 * English the words are the engine's own (the CLI's), so the two wordings cannot drift apart; in Chinese the
 * same facts (URL, status, byte counts, hashes) are there, in Chinese sentences.
 */

const catalog = localeCatalog;

const URL_A = 'https://files.test/big.iso';
const status403 = new HttpStatusError(403, URL_A);
const changedSize = new ResourceChangedError(URL_A, { kind: 'size', size: 900, was: 1000 });

const errors: [string, DownloadError][] = [
  ['HTTP status', status403],
  [
    'TLS certificate',
    new TlsCertificateError(URL_A, 'CERT_HAS_EXPIRED', new Error('certificate has expired')),
  ],
  ['network', new NetworkError(URL_A, new TypeError('Failed to fetch'))],
  ['stalled', new NetworkError(URL_A, 'no data for 30 s', { kind: 'stalled', url: URL_A, seconds: 30 })],
  ['truncated body', new TruncatedBodyError(URL_A, 1000, 400)],
  ['unusable Content-Range', new ContentRangeError(URL_A, { kind: 'unusable', header: 'bytes */10' })],
  ['probe Content-Range', new ContentRangeError(URL_A, { kind: 'probe', header: null })],
  ['Content-Range without size', new ContentRangeError(URL_A, { kind: 'no-size', header: 'bytes 0-9/*' })],
  ['range start', new ContentRangeError(URL_A, { kind: 'start', got: 0, asked: 500 })],
  ['range end', new ContentRangeError(URL_A, { kind: 'end', got: 999, asked: 499 })],
  ['range total', new ContentRangeError(URL_A, { kind: 'total', inner: changedSize.detail })],
  ['encoded ranges', new ContentEncodingError(URL_A, 'gzip')],
  ['changed ETag', new ResourceChangedError(URL_A, { kind: 'etag', etag: '"v2"', was: '"v1"' })],
  ['changed size', changedSize],
  ['If-Range 200', new ResourceChangedError(URL_A, { kind: 'if-range' })],
  ['416', new ResourceChangedError(URL_A, { kind: 'unsatisfiable', start: 10, end: 19 })],
  ['resume 416', new ResourceChangedError(URL_A, { kind: 'resume-unsatisfiable' })],
  ['validator', new ResourceChangedError(URL_A, { kind: 'validator' })],
  ['ranges gone', new ResourceChangedError(URL_A, { kind: 'ranges-gone' })],
  ['no ranges', new NoRangesError(URL_A)],
  ['storage', new StorageError(new Error('QuotaExceededError'))],
  ['aborted', new AbortedError('paused')],
  ['retries', new RetriesExhaustedError(5, new HttpStatusError(503, URL_A))],
  ['redirected, target known', new RedirectedError(URL_A, 'https://other.test/x')],
  ['redirected, target unknown', new RedirectedError(URL_A, null)],
  ['expired: refused', new LinkExpiredError(URL_A, { kind: 'refused', inner: status403.detail })],
  ['expired: another file', new LinkExpiredError(URL_A, { kind: 'other-file', inner: changedSize.detail })],
  ['expired: size', new LinkExpiredError(URL_A, { kind: 'size', length: '12', size: 1000 })],
  [
    'expired: unproven',
    new LinkExpiredError(URL_A, {
      kind: 'unproven',
      url: URL_A,
      etag: null,
      lastModified: 'Tue, 01 Dec 2026',
    }),
  ],
  ['expired: no validator', new LinkExpiredError(URL_A, { kind: 'no-validator' })],
  ['not allowed', new UrlNotAllowedError(URL_A)],
  ['checksum', new ChecksumMismatchError('a'.repeat(64), 'b'.repeat(64), 'repr-digest')],
];

/** A serialized error as a stored job record holds it (through JSON). */
const stored = (error: unknown) => JSON.parse(JSON.stringify(serializeError(error)));

describe('engine errors in the browser’s language', () => {
  afterEach(() => useCatalog(catalog('en')));

  it.each(errors)('in English is the engine’s own wording: %s', (_, error) => {
    useCatalog(catalog('en'));
    expect(errorText(stored(error))).toBe(error.message);
  });

  it.each(errors)('in Chinese keeps the facts, in Chinese: %s', (_, error) => {
    useCatalog(catalog('zh_CN'));
    const text = errorText(stored(error));
    expect(text).not.toBe(error.message);
    expect(text).toMatch(/[\u3400-\u9fff]/);
    const facts = error.message.match(/https:\/\/[\w./-]+\w|\b\d+\b|\b[a-f0-9]{64}\b|"v\d"|CERT_\w+/g);
    for (const fact of facts ?? []) expect(text).toContain(fact);
  });

  it('a failed job’s note and a retry note are worded from the facts', () => {
    useCatalog(catalog('zh_CN'));
    const note = failureNote(stored(new TruncatedBodyError(URL_A, 1000, 400)));
    expect(note).toContain('中断');
    expect(note).toContain(URL_A);
    const retry = describeNotice({
      type: 'retrying',
      attempt: 2,
      delayMs: 100,
      error: status403.message,
      detail: status403.detail,
    });
    expect(retry).toBe(`正在重试（第 2 次）：GET ${URL_A} 返回了 HTTP 403`);
  });

  it('an error without facts (an older record, a platform error) keeps its message', () => {
    useCatalog(catalog('zh_CN'));
    const platform = stored(new Error('the download was interrupted'));
    expect(platform.detail).toBeUndefined();
    expect(errorText(platform)).toBe('the download was interrupted');
    expect(errorText({ name: 'HttpStatusError', code: 'HTTP_STATUS', message: 'old words' })).toBe(
      'old words',
    );
    const unknown = { kind: 'from-a-later-version' } as unknown as ErrorDetail;
    expect(errorText({ name: 'E', code: null, message: 'its words', detail: unknown })).toBe('its words');
    const malformed = { kind: 'retries', attempts: 3 } as unknown as ErrorDetail;
    expect(errorText({ name: 'E', code: null, message: 'its words', detail: malformed })).toBe('its words');
  });
});
