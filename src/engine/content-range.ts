import { ContentEncodingError, ContentRangeError, ResourceChangedError } from './errors';
import type { ByteRange } from './types';

/** `bytes start-end/total` (RFC 9110 §14.4); `total` is null for `/*`. */
export interface ContentRange {
  start: number;
  end: number;
  total: number | null;
}

// `bytes */total`, sent with 416: the range asked for lies outside a file of `total` bytes.
export interface UnsatisfiedRange {
  unsatisfied: true;
  total: number;
}

// Strict on purpose: a misread offset writes bytes in the wrong place, so anything odd is refused.
const SATISFIED = /^bytes[ \t]+(\d+)-(\d+)\/(\d+|\*)$/i;
const UNSATISFIED = /^bytes[ \t]+\*\/(\d+)$/i;

export function parseContentRange(header: string | null): ContentRange | UnsatisfiedRange | null {
  if (header === null) return null;
  const text = header.trim();
  const unsatisfied = UNSATISFIED.exec(text);
  if (unsatisfied) {
    const total = safeInteger(unsatisfied[1]);
    return total === null ? null : { unsatisfied: true, total };
  }
  const match = SATISFIED.exec(text);
  if (!match) return null;
  const start = safeInteger(match[1]);
  const end = safeInteger(match[2]);
  const total = match[3] === '*' ? null : safeInteger(match[3]);
  if (start === null || end === null || start > end) return null;
  if (match[3] !== '*' && (total === null || end >= total)) return null;
  return { start, end, total };
}

/** Digits beyond Number.MAX_SAFE_INTEGER would round silently: an offset off by a few bytes. */
function safeInteger(digits: string | undefined): number | null {
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : null;
}

export interface RangeResponseCheck {
  url: string;
  requested: ByteRange;
  contentRange: string | null;
  contentEncoding: string | null;
  etag: string | null;
  /** The file size recorded when the job started. */
  expectedTotal: number;
  /** The ETag recorded when the job started, exactly as sent. */
  expectedEtag: string | null;
}

/**
 * Accepts a 206 only if its bytes belong at `requested.start` of the recorded file (docs/platform.md, HTTP rules),
 * and returns the last byte it carries: it may stop before `requested.end` (a short answer; the caller
 * re-queues the rest). Validator and size are checked before the offsets: a changed file explains a
 * misplaced range, and its job-scoped error restarts the job instead of retrying into the same answer.
 */
export function checkRangeResponse(args: RangeResponseCheck): { end: number } {
  const { url, requested } = args;
  const encoding = args.contentEncoding?.trim() ?? '';
  if (encoding !== '' && encoding.toLowerCase() !== 'identity') throw new ContentEncodingError(url, encoding);

  const range = parseContentRange(args.contentRange);
  if (range === null || 'unsatisfied' in range) {
    throw new ContentRangeError(url, { kind: 'unusable', header: args.contentRange });
  }
  if (args.expectedEtag !== null && args.etag !== null && args.etag !== args.expectedEtag) {
    throw new ResourceChangedError(url, { kind: 'etag', etag: args.etag, was: args.expectedEtag });
  }
  if (range.total === null) {
    // Nothing to compare against the recorded size, so nothing proves the bytes are from the same file.
    throw new ContentRangeError(url, { kind: 'no-size', header: args.contentRange ?? '' });
  }
  if (range.total !== args.expectedTotal) {
    throw new ResourceChangedError(url, { kind: 'size', size: range.total, was: args.expectedTotal });
  }
  if (range.start !== requested.start) {
    throw new ContentRangeError(url, { kind: 'start', got: range.start, asked: requested.start });
  }
  if (range.end > requested.end) {
    throw new ContentRangeError(url, { kind: 'end', got: range.end, asked: requested.end });
  }
  return { end: range.end };
}
