import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  ContentEncodingError,
  ContentRangeError,
  HttpStatusError,
  LinkExpiredError,
  NetworkError,
  NoRangesError,
  RedirectedError,
  ResourceChangedError,
  RetriesExhaustedError,
  StorageError,
  TruncatedBodyError,
  UrlNotAllowedError,
} from '../../src/engine/errors';
import { classifyFailure, type FailureAction } from '../../src/engine/failure';

const ORIGINAL = 'https://example.test/file.bin';
const TARGET = 'https://cdn.example.test/signed/file.bin?sig=abc';
const alone = { originalUrl: ORIGINAL, othersReceiving: false };
const withOthers = { originalUrl: ORIGINAL, othersReceiving: true };

/** A Node-style socket error: the code on the error, the message naming no refusal. */
function withCode(code: string, message = 'connect failed'): Error {
  return Object.assign(new Error(message), { code });
}

/** `inner` wrapped `depth` times in errors whose messages say nothing about it. */
function wrapped(inner: Error, depth: number): Error {
  let error = inner;
  for (let i = 0; i < depth; i++) error = new Error(`layer ${i}`, { cause: error });
  return error;
}

describe('classifyFailure: HTTP statuses', () => {
  it.each<[string, number, string, number | null, FailureAction]>([
    [
      '429 keeps Retry-After',
      429,
      ORIGINAL,
      3000,
      { kind: 'fewer-connections', status: 429, retryAfterMs: 3000 },
    ],
    [
      '429 without Retry-After',
      429,
      ORIGINAL,
      null,
      { kind: 'fewer-connections', status: 429, retryAfterMs: null },
    ],
    [
      '503 keeps Retry-After',
      503,
      ORIGINAL,
      120_000,
      { kind: 'fewer-connections', status: 503, retryAfterMs: 120_000 },
    ],
    [
      '503 from a redirect target',
      503,
      TARGET,
      null,
      { kind: 'fewer-connections', status: 503, retryAfterMs: null },
    ],
    [
      '429 from a redirect target',
      429,
      TARGET,
      10,
      { kind: 'fewer-connections', status: 429, retryAfterMs: 10 },
    ],
    ['401 from a redirect target', 401, TARGET, null, { kind: 'refresh-url' }],
    ['403 from a redirect target', 403, TARGET, null, { kind: 'refresh-url' }],
    ['404 from a redirect target', 404, TARGET, null, { kind: 'refresh-url' }],
    ['410 from a redirect target', 410, TARGET, 5000, { kind: 'refresh-url' }],
    ['401 from the original URL', 401, ORIGINAL, null, { kind: 'fail-job' }],
    ['403 from the original URL', 403, ORIGINAL, null, { kind: 'fail-job' }],
    ['404 from the original URL', 404, ORIGINAL, null, { kind: 'fail-job' }],
    ['410 from the original URL', 410, ORIGINAL, null, { kind: 'fail-job' }],
    ['408 retries', 408, ORIGINAL, null, { kind: 'retry', retryAfterMs: null }],
    ['425 retries', 425, ORIGINAL, null, { kind: 'retry', retryAfterMs: null }],
    ['500 retries', 500, ORIGINAL, null, { kind: 'retry', retryAfterMs: null }],
    ['502 keeps Retry-After', 502, ORIGINAL, 2500, { kind: 'retry', retryAfterMs: 2500 }],
    ['504 from a redirect target retries', 504, TARGET, null, { kind: 'retry', retryAfterMs: null }],
    ['599 retries', 599, ORIGINAL, null, { kind: 'retry', retryAfterMs: null }],
    ['400 fails the job', 400, ORIGINAL, null, { kind: 'fail-job' }],
    ['400 from a redirect target fails the job', 400, TARGET, null, { kind: 'fail-job' }],
    ['416 fails the job', 416, ORIGINAL, null, { kind: 'fail-job' }],
  ])('%s', (_, status, url, retryAfterMs, expected) => {
    expect(classifyFailure(new HttpStatusError(status, url, retryAfterMs), alone)).toEqual(expected);
  });

  it('a redirect target refusing renews the link even while others receive', () => {
    expect(classifyFailure(new HttpStatusError(403, TARGET), withOthers)).toEqual({ kind: 'refresh-url' });
    expect(classifyFailure(new HttpStatusError(500, ORIGINAL, 7), withOthers)).toEqual({
      kind: 'retry',
      retryAfterMs: 7,
    });
  });

  it('tells the original URL apart by exact text (a trailing slash is another URL)', () => {
    const context = { originalUrl: 'https://example.test/dir', othersReceiving: false };
    expect(classifyFailure(new HttpStatusError(404, 'https://example.test/dir/'), context)).toEqual({
      kind: 'refresh-url',
    });
  });
});

describe('classifyFailure: network errors', () => {
  const REFUSED = { kind: 'fewer-connections', status: 0, retryAfterMs: null } as const;
  const RETRY = { kind: 'retry', retryAfterMs: null } as const;

  it.each<[string, unknown]>([
    ['code ECONNREFUSED on the cause', withCode('ECONNREFUSED')],
    ['ECONNREFUSED in the cause message', new Error('connect ECONNREFUSED 127.0.0.1:80')],
    ['"refused" in the cause message, any case', new Error('Connection REFUSED by peer')],
    ['code two causes down', wrapped(withCode('ECONNREFUSED'), 1)],
    ['code four causes down (the deepest looked at)', wrapped(withCode('ECONNREFUSED'), 3)],
    ['a string cause', 'ECONNREFUSED'],
    ['a non-Error cause deeper in the chain', new Error('fetch failed', { cause: 'connection refused' })],
    ['a plain object with the code', { code: 'ECONNREFUSED' }],
  ])('refused (%s) while others receive: fewer connections', (_, cause) => {
    const error = new NetworkError(ORIGINAL, cause);
    expect(classifyFailure(error, withOthers)).toEqual(REFUSED);
  });

  it.each<[string, unknown]>([
    ['code ECONNREFUSED', withCode('ECONNREFUSED')],
    ['ECONNREFUSED in the message', new Error('connect ECONNREFUSED 127.0.0.1:80')],
  ])('refused (%s) with no others receiving: retry', (_, cause) => {
    expect(classifyFailure(new NetworkError(ORIGINAL, cause), alone)).toEqual(RETRY);
  });

  it.each<[string, unknown]>([
    ['ECONNRESET', withCode('ECONNRESET', 'socket hang up')],
    ['a DNS failure', withCode('ENOTFOUND', 'getaddrinfo ENOTFOUND example.test')],
    ['a plain cause', new Error('network down')],
    ['code five causes down (past the depth looked at)', wrapped(withCode('ECONNREFUSED'), 4)],
  ])('not refused (%s) while others receive: retry', (_, cause) => {
    expect(classifyFailure(new NetworkError(ORIGINAL, cause), withOthers)).toEqual(RETRY);
  });

  it('does not read "refused" in the URL the error names', () => {
    const error = new NetworkError(
      'https://example.test/refused.zip',
      withCode('ECONNRESET', 'socket hang up'),
    );
    expect(classifyFailure(error, withOthers)).toEqual(RETRY);
  });

  it('a truncated body retries, with or without others', () => {
    const error = new TruncatedBodyError(ORIGINAL, 1000, 10);
    expect(classifyFailure(error, alone)).toEqual(RETRY);
    expect(classifyFailure(error, withOthers)).toEqual(RETRY);
  });
});

describe('classifyFailure: job-scope errors fail the job', () => {
  const last = new HttpStatusError(500, ORIGINAL);
  it.each<[string, unknown]>([
    ['ContentRangeError', new ContentRangeError(ORIGINAL, { kind: 'start', got: 0, asked: 5 })],
    ['ResourceChangedError', new ResourceChangedError(ORIGINAL, { kind: 'etag', etag: '"b"', was: '"a"' })],
    ['NoRangesError', new NoRangesError(ORIGINAL)],
    ['StorageError', new StorageError(new Error('QuotaExceededError'))],
    ['StorageError whose cause says refused', new StorageError(new Error('write refused'))],
    ['ContentEncodingError', new ContentEncodingError(ORIGINAL, 'gzip')],
    ['AbortedError', new AbortedError('pause')],
    ['RetriesExhaustedError', new RetriesExhaustedError(5, last)],
  ])('%s', (_, error) => {
    expect(classifyFailure(error, withOthers)).toEqual({ kind: 'fail-job' });
    expect(classifyFailure(error, alone)).toEqual({ kind: 'fail-job' });
  });
});

describe('classifyFailure: what is not a DownloadError fails the job', () => {
  it.each<[string, unknown]>([
    ['a plain Error', new Error('boom')],
    ['a plain Error saying ECONNREFUSED', withCode('ECONNREFUSED')],
    ['a TypeError', new TypeError('fetch failed')],
    ['a symbol', Symbol('x')],
    ['a string', 'ECONNREFUSED'],
    ['null', null],
    ['undefined', undefined],
    ['an object shaped like an HttpStatusError', { name: 'HttpStatusError', status: 503, scope: 'request' }],
  ])('%s', (_, error) => {
    expect(classifyFailure(error, withOthers)).toEqual({ kind: 'fail-job' });
  });
});

describe('classifyFailure: links', () => {
  it.each([401, 403, 404, 410])(
    '%i from the original URL while others receive drops this connection',
    (status) => {
      expect(classifyFailure(new HttpStatusError(status, ORIGINAL), withOthers)).toEqual({
        kind: 'drop-connection',
        status,
      });
    },
  );

  it.each([400, 416])('%i from the original URL while others receive still fails the job', (status) => {
    expect(classifyFailure(new HttpStatusError(status, ORIGINAL), withOthers)).toEqual({ kind: 'fail-job' });
  });

  it.each<[string, RedirectedError]>([
    ['to a known place', new RedirectedError(TARGET, 'http://127.0.0.2/elsewhere')],
    ['to an unknown place (a browser hides it)', new RedirectedError(TARGET, null)],
    ['of the original URL itself', new RedirectedError(ORIGINAL, TARGET)],
  ])('a redirect not followed (%s) renews the link, alone or not', (_, error) => {
    expect(classifyFailure(error, alone)).toEqual({ kind: 'refresh-url' });
    expect(classifyFailure(error, withOthers)).toEqual({ kind: 'refresh-url' });
  });

  it('a link that could not be renewed fails the job alone, and drops the connection while others receive', () => {
    const error = new LinkExpiredError(ORIGINAL, {
      kind: 'refused',
      inner: new HttpStatusError(403, ORIGINAL).detail,
    });
    expect(error.code).toBe('LINK_EXPIRED');
    expect(error.scope).toBe('job');
    expect(classifyFailure(error, alone)).toEqual({ kind: 'fail-job' });
    expect(classifyFailure(error, withOthers)).toEqual({ kind: 'drop-connection', status: 0 });
  });

  it('a URL allowUrl refuses fails the job, others receiving or not', () => {
    const error = new UrlNotAllowedError(TARGET);
    expect(error.code).toBe('URL_NOT_ALLOWED');
    expect(classifyFailure(error, alone)).toEqual({ kind: 'fail-job' });
    expect(classifyFailure(error, withOthers)).toEqual({ kind: 'fail-job' });
  });
});
