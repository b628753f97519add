/**
 * What a download error states, as data: the URL, the status, the byte counts, which check failed. The engine
 * words it in English (`englishText`, every DownloadError's `message`, what the CLI prints); a user interface
 * words the same facts in its user's language (the extension: src/shared/error-text.ts). Plain JSON, so it
 * crosses contexts and is stored with a failed job.
 */
export type ErrorDetail =
  | { kind: 'http-status'; url: string; status: number }
  | { kind: 'tls'; url: string; reason: string }
  | { kind: 'network'; url: string; cause: string }
  /** No byte came for `seconds` on an open response (the watchdog closed it). */
  | { kind: 'stalled'; url: string; seconds: number }
  | { kind: 'truncated'; url: string; expected: number; received: number }
  | { kind: 'bad-range'; url: string; reason: RangeReason }
  | { kind: 'changed'; url: string; reason: ChangeReason }
  | { kind: 'no-ranges'; url: string }
  | { kind: 'storage'; cause: string }
  | { kind: 'aborted'; reason: string }
  | { kind: 'retries'; attempts: number; last: ErrorDetail }
  | { kind: 'redirected'; url: string; location: string | null }
  | { kind: 'expired'; url: string; reason: ExpiryReason }
  | { kind: 'not-allowed'; url: string }
  | { kind: 'checksum'; actual: string; expected: string; source: HashSource };

/** Why a ranged answer cannot be used. `header` is the Content-Range as sent (null when absent). */
export type RangeReason =
  | { kind: 'unusable'; header: string | null }
  | { kind: 'probe'; header: string | null }
  | { kind: 'no-size'; header: string }
  | { kind: 'start'; got: number; asked: number }
  | { kind: 'end'; got: number; asked: number }
  | { kind: 'total'; inner: ErrorDetail }
  | { kind: 'encoded'; encoding: string };

/** What shows that the file on the server is not the one whose pieces are stored. */
export type ChangeReason =
  | { kind: 'etag'; etag: string; was: string }
  | { kind: 'size'; size: number; was: number }
  | { kind: 'if-range' }
  | { kind: 'unsatisfiable'; start: number; end: number }
  | { kind: 'resume-unsatisfiable' }
  | { kind: 'validator' }
  | { kind: 'ranges-gone' };

/** Why no fresh link could be used. */
export type ExpiryReason =
  | { kind: 'refused'; inner: ErrorDetail }
  | { kind: 'other-file'; inner: ErrorDetail }
  | { kind: 'size'; length: string; size: number }
  | { kind: 'unproven'; url: string; etag: string | null; lastModified: string | null }
  | { kind: 'no-validator' };

/** Who expected a hash: the user, the server's Repr-Digest (RFC 9530), its legacy Digest header. */
export type HashSource = 'user' | 'repr-digest' | 'digest';

export function hashSourceText(source: HashSource): string {
  if (source === 'user') return 'the SHA-256 you gave';
  return source === 'repr-digest' ? "the server's Repr-Digest" : "the server's Digest header";
}

export function englishText(d: ErrorDetail): string {
  switch (d.kind) {
    case 'http-status':
      return `GET ${d.url} answered HTTP ${d.status}`;
    case 'tls':
      return `GET ${d.url}: the server's TLS certificate is not trusted (${d.reason})`;
    case 'network':
      return `GET ${d.url} failed: ${d.cause}`;
    case 'stalled':
      return `GET ${d.url} failed: no data for ${d.seconds} s`;
    case 'truncated':
      return `GET ${d.url} ended after ${d.received} of ${d.expected} bytes`;
    case 'bad-range':
      return `GET ${d.url}: ${rangeText(d.reason)}`;
    case 'changed':
      return `${d.url} changed on the server: ${changeText(d.reason)}`;
    case 'no-ranges':
      return `GET ${d.url} ignored the Range header`;
    case 'storage':
      return `could not store a piece: ${d.cause}`;
    case 'aborted':
      return `download stopped: ${d.reason}`;
    case 'retries':
      return `gave up after ${d.attempts} attempts: ${englishText(d.last)}`;
    case 'redirected':
      return `GET ${d.url} redirected to ${d.location ?? 'another address'}, not followed`;
    case 'expired':
      return `the link expired and the site gave no fresh one: ${expiryText(d.reason)}`;
    case 'not-allowed':
      return `${d.url} is not allowed for this download`;
    case 'checksum':
      return `checksum mismatch: the file's SHA-256 is ${d.actual}, but ${hashSourceText(d.source)} is ${d.expected}`;
  }
}

function rangeText(r: RangeReason): string {
  switch (r.kind) {
    case 'unusable':
      return `unusable Content-Range ${JSON.stringify(r.header)}`;
    case 'probe':
      return `probe got Content-Range "${r.header}"`;
    case 'no-size':
      return `Content-Range "${r.header}" does not state the size`;
    case 'start':
      return `got bytes from ${r.got}, asked from ${r.asked}`;
    case 'end':
      return `got bytes up to ${r.got}, asked up to ${r.asked}`;
    case 'total':
      return `Content-Range total contradicts the file's size (${englishText(r.inner)})`;
    case 'encoded':
      return `ranged response is ${r.encoding}-encoded`;
  }
}

function changeText(r: ChangeReason): string {
  switch (r.kind) {
    case 'etag':
      return `ETag ${r.etag} replaced ${r.was}`;
    case 'size':
      return `size is ${r.size} bytes, was ${r.was}`;
    case 'if-range':
      return 'If-Range answered 200';
    case 'unsatisfiable':
      return `range ${r.start}-${r.end} not satisfiable`;
    case 'resume-unsatisfiable':
      return 'the resumed range is no longer satisfiable';
    case 'validator':
      return 'size or validator differs';
    case 'ranges-gone':
      return 'the server no longer serves the stored version as ranges';
  }
}

function expiryText(r: ExpiryReason): string {
  switch (r.kind) {
    case 'refused':
      return `asked again, ${englishText(r.inner)}`;
    case 'other-file':
      return `it leads to another file (${englishText(r.inner)})`;
    case 'size':
      return `it leads to a file of ${r.length} bytes, not ${r.size}`;
    case 'unproven':
      return `${r.url} does not prove it is the same file (ETag ${r.etag ?? 'none'}, Last-Modified ${r.lastModified ?? 'none'})`;
    case 'no-validator':
      return 'the server sends no ETag or Last-Modified, so a fresh link cannot be proven to serve the same file';
  }
}
