import type { FileSource } from './sources';

/** Inclusive byte range, as HTTP writes it. */
export interface ByteRange {
  start: number;
  end: number;
}

/** What a Range header asks of a representation of `totalBytes` (RFC 9110 section 14.2). */
export type RangeRequest =
  | { kind: 'none' } // absent or unparsable: the header is ignored and the full body is served
  | { kind: 'unsatisfiable' }
  | { kind: 'range'; range: ByteRange };

/**
 * Parses `bytes=a-b`, `bytes=a-` and `bytes=-n`. Of a multi-range request only the first range is served, which
 * a server may do; syntax errors make the header ignored, as RFC 9110 asks.
 */
export function parseRange(header: string | undefined, totalBytes: number): RangeRequest {
  const match = /^\s*bytes\s*=\s*([^,]*)/i.exec(header ?? '');
  const first = match?.[1]?.trim();
  const spec = first === undefined ? null : /^(\d*)-(\d*)$/.exec(first);
  if (!spec) return { kind: 'none' };
  const [, startText = '', endText = ''] = spec;
  if (startText === '') {
    if (endText === '') return { kind: 'none' };
    const suffixBytes = Number(endText);
    if (suffixBytes === 0 || totalBytes === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', range: { start: Math.max(0, totalBytes - suffixBytes), end: totalBytes - 1 } };
  }
  const start = Number(startText);
  const end = endText === '' ? totalBytes - 1 : Number(endText);
  if (endText !== '' && end < start) return { kind: 'none' };
  if (start >= totalBytes) return { kind: 'unsatisfiable' };
  return { kind: 'range', range: { start, end: Math.min(end, totalBytes - 1) } };
}

/** The validators the server currently sends; null means the header is not sent. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

/**
 * If-Range (RFC 9110 section 13.1.5): an entity tag matches only by strong comparison, so a weak tag on either
 * side never matches; a date matches only when it is exactly the current Last-Modified.
 */
export function ifRangeMatches(ifRange: string, validators: Validators): boolean {
  const value = ifRange.trim();
  if (value.startsWith('W/')) return false;
  if (value.startsWith('"')) {
    const { etag } = validators;
    return etag !== null && !etag.startsWith('W/') && etag === value;
  }
  return validators.lastModified !== null && validators.lastModified === value;
}

/** `bytes a-b/total`, or `bytes *\/total` for a 416. */
export function contentRange(range: ByteRange | null, totalBytes: number): string {
  return range ? `bytes ${range.start}-${range.end}/${totalBytes}` : `bytes */${totalBytes}`;
}

// A fixed first date keeps runs reproducible; each new version of the file is a day newer.
const FIRST_VERSION_MS = Date.UTC(2025, 0, 1);
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Default validators for the n-th version (1-based) of a file: a strong ETag naming version, content and size, so
 * two servers started on different files never share one, and a date that changes with each version.
 */
export function defaultValidators(version: number, source: FileSource): Validators {
  const content = source.tag === undefined ? '' : `${source.tag}-`;
  return {
    etag: `"v${version}-${content}${source.size}"`,
    lastModified: new Date(FIRST_VERSION_MS + (version - 1) * DAY_MS).toUTCString(),
  };
}
