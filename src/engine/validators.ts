import type { RemoteFile } from './types';

/**
 * Validators (RFC 9110 §8.8) decide whether stored pieces and the file on the server are the same bytes.
 * A weak ETag only promises "equivalent content", so it never vouches for splicing byte ranges.
 */

type Validators = Pick<RemoteFile, 'etag' | 'lastModified'>;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(?<month>${MONTHS.join('|')})`;
const TIME = '(?<h>\\d{2}):(?<min>\\d{2}):(?<s>\\d{2})';
// The three forms RFC 9110 §5.6.7 obliges recipients to read; anything else is not an HTTP date.
const HTTP_DATES = [
  `^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (?<day>\\d{1,2}) ${MONTH} (?<year>\\d{4}) ${TIME} GMT$`,
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (?<day>\\d{2})-${MONTH}-(?<year>\\d{2}) ${TIME} GMT$`,
  `^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ${MONTH} (?<day> \\d|\\d{2}) ${TIME} (?<year>\\d{4})$`,
].map((source) => new RegExp(source));

/** Milliseconds since the epoch for an HTTP-date, or null when `value` is not one (or names no real day). */
export function parseHttpDate(value: string): number | null {
  const text = value.trim();
  const g = HTTP_DATES.map((pattern) => pattern.exec(text)?.groups).find(Boolean);
  if (!g) return null;
  let year = Number(g.year);
  // RFC 850's two-digit year. A fixed pivot, not "50 years from now", keeps this pure; it holds until 2070.
  if (g.year?.length === 2) year += year < 70 ? 2000 : 1900;
  const month = MONTHS.indexOf(g.month ?? '');
  const [day, h, min, s] = [g.day, g.h, g.min, g.s].map(Number) as [number, number, number, number];
  // setUTCFullYear (unlike Date.UTC, it leaves years below 100 alone) rolls 31 Feb over into March; a date
  // that does not round-trip is not a real one.
  const midnight = new Date(0);
  midnight.setUTCFullYear(year, month, day);
  if (midnight.getUTCMonth() !== month || midnight.getUTCDate() !== day || h > 23 || min > 59 || s > 60) {
    return null;
  }
  // A leap second (:60) lands on the first instant of the next minute.
  return midnight.getTime() + ((h * 60 + min) * 60 + s) * 1000;
}

export function isWeakEtag(etag: string): boolean {
  // RFC 9110 spells the prefix "W/"; a lower-case "w/" is treated as weak too, so it is never sent as strong.
  return /^\s*w\//i.test(etag);
}

/**
 * The If-Range value for a ranged request: the strong ETag, else Last-Modified. RFC 9110 §13.1.5 wants a
 * Last-Modified that is itself strong (§8.8.2.2: at least 60 s older than the response's Date); without the
 * Date here, any well-formed HTTP-date is accepted. Null means no usable validator: send no If-Range.
 */
export function ifRangeValue(remote: Validators): string | null {
  const etag = remote.etag?.trim();
  if (etag && !isWeakEtag(etag)) return etag;
  const lastModified = remote.lastModified?.trim();
  if (lastModified && parseHttpDate(lastModified) !== null) return lastModified;
  return null;
}

export interface SameResourceVerdict {
  same: boolean;
  /** False when no validator could be compared: `same` then rests on the size alone. */
  verified: boolean;
}

/**
 * Is the file the saved job describes (`saved`) the one a new probe found (`probed`)? Sizes must match; the
 * strongest validator both sides carry decides. Differing ETags, even weak ones, mean a different file; equal
 * weak ETags prove nothing about bytes, so Last-Modified is consulted next.
 */
export function sameResource(
  saved: Pick<RemoteFile, 'size' | 'etag' | 'lastModified'>,
  probed: Pick<RemoteFile, 'size' | 'etag' | 'lastModified'>,
): SameResourceVerdict {
  // Pieces of a file of unknown size cannot be placed: nothing to resume.
  if (saved.size === null || probed.size === null) return { same: false, verified: false };
  if (saved.size !== probed.size) return { same: false, verified: true };
  if (saved.etag && probed.etag) {
    if (opaqueTag(saved.etag) !== opaqueTag(probed.etag)) return { same: false, verified: true };
    if (!isWeakEtag(saved.etag) && !isWeakEtag(probed.etag)) return { same: true, verified: true };
  }
  if (saved.lastModified && probed.lastModified) {
    return { same: sameInstant(saved.lastModified, probed.lastModified), verified: true };
  }
  return { same: true, verified: false };
}

/** Whether a later answer could prove it serves this file: there is a strong ETag or a Last-Modified to compare. */
export function canProveSame(remote: Validators): boolean {
  const etag = remote.etag?.trim();
  return Boolean((etag && !isWeakEtag(etag)) || remote.lastModified?.trim());
}

/**
 * Whether `answer` proves it is the file `remote` describes (sizes are compared apart): the same strong ETag, or
 * the same Last-Modified with no ETag that differs. Equal weak ETags prove nothing about bytes.
 */
export function provesSame(remote: Validators, answer: Validators): boolean {
  if (remote.etag && answer.etag && opaqueTag(remote.etag) !== opaqueTag(answer.etag)) return false;
  const etag = remote.etag?.trim();
  if (etag && !isWeakEtag(etag) && answer.etag?.trim() === etag) return true;
  const [saved, now] = [remote.lastModified, answer.lastModified];
  return Boolean(saved && now && sameInstant(saved, now));
}

function opaqueTag(etag: string): string {
  return etag.trim().replace(/^w\//i, '');
}

function sameInstant(a: string, b: string): boolean {
  const [timeA, timeB] = [parseHttpDate(a), parseHttpDate(b)];
  // Servers may switch date formats between responses; compare instants when both parse.
  return timeA !== null && timeB !== null ? timeA === timeB : a.trim() === b.trim();
}
