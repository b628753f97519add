/** Request headers as given on the command line (`-H 'Name: value'`), checked before any request. */

/** The engine sets these on every request itself (RFC 9110 ranges): a user's would break its checks. */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'range',
  'if-range',
  'accept-encoding',
  'host',
]);

/** Headers a user gives for the URL's own host, not sent to another host a redirect leads to (as curl does). */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'cookie',
  'authorization',
  'proxy-authorization',
]);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field content: visible characters, spaces and tabs, and obs-text (RFC 9110 section 5.5); no CR, LF or NUL.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** "Name: value" → [name, value] with the value's outer blanks trimmed; a UsageError names what is wrong. */
export function parseHeader(line: string): [string, string] {
  const colon = line.indexOf(':');
  const name = colon < 0 ? line : line.slice(0, colon);
  if (colon < 0 || !TOKEN.test(name)) throw new HeaderError(`-H must be "Name: value", got "${line}"`);
  const value = line.slice(colon + 1).trim();
  if (!FIELD_VALUE.test(value))
    throw new HeaderError(`-H ${name}: the value has a character a header cannot carry`);
  return [name, value];
}

/** A header the command line gives that no request may carry. */
export class HeaderError extends Error {
  override name = 'HeaderError';
}
