/**
 * Netscape cookies.txt (curl -c, wget --save-cookies, browser export add-ons), one cookie a line, seven fields
 * separated by tabs: domain, include-subdomains (TRUE/FALSE), path, secure (TRUE/FALSE), expiry (Unix
 * seconds; 0 for a session cookie), name, value. `#` starts a comment, except `#HttpOnly_` before a domain,
 * which marks an HttpOnly cookie (sent all the same). Matching follows RFC 6265 section 5.4: domain-match,
 * path-match, secure only over https, not expired.
 */
export interface Cookie {
  /** Lowercase, without a leading dot. */
  domain: string;
  /** Also for hosts under `domain` (the second field, or a leading dot). */
  subdomains: boolean;
  path: string;
  secure: boolean;
  /** Unix seconds; 0: a session cookie, never expired. */
  expires: number;
  name: string;
  value: string;
}

export class CookieFileError extends Error {
  override name = 'CookieFileError';
}

export function parseCookieFile(text: string, file: string): Cookie[] {
  const cookies: Cookie[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const httpOnly = raw.startsWith('#HttpOnly_');
    const line = httpOnly ? raw.slice('#HttpOnly_'.length) : raw;
    if (line.trim() === '' || line.startsWith('#')) return;
    const fields = line.split('\t');
    // Some writers leave out an empty value's field.
    if (fields.length === 6) fields.push('');
    const [domain = '', flag, path = '', secure, expires = '', name = '', value = ''] = fields;
    const bad = (why: string) => new CookieFileError(`${file} line ${index + 1}: ${why}`);
    if (fields.length !== 7) throw bad(`expected 7 tab-separated fields, found ${fields.length}`);
    if (!isFlag(flag) || !isFlag(secure)) throw bad('the 2nd and 4th fields must be TRUE or FALSE');
    if (!/^\d+$/.test(expires)) throw bad(`the expiry must be Unix seconds, got "${expires}"`);
    if (domain === '' || name === '' || !path.startsWith('/'))
      throw bad('a cookie needs a domain, a path and a name');
    cookies.push({
      domain: domain.replace(/^\./, '').toLowerCase(),
      subdomains: flag === 'TRUE' || domain.startsWith('.'),
      path,
      secure: secure === 'TRUE',
      expires: Number(expires),
      name,
      value,
    });
  });
  return cookies;
}

function isFlag(value: string | undefined): boolean {
  return value === 'TRUE' || value === 'FALSE';
}

/** The Cookie header value for a request to `url` at `nowMs`, or null when no cookie matches. */
export function cookieHeader(cookies: readonly Cookie[], url: string, nowMs: number): string | null {
  const { hostname, pathname, protocol } = new URL(url);
  const host = hostname.toLowerCase();
  const matching = cookies.filter(
    (c) =>
      (host === c.domain || (c.subdomains && host.endsWith(`.${c.domain}`))) &&
      pathMatches(pathname || '/', c.path) &&
      (!c.secure || protocol === 'https:') &&
      (c.expires === 0 || c.expires * 1000 > nowMs),
  );
  if (matching.length === 0) return null;
  // RFC 6265 5.4: longer paths first; the sort is stable for the rest (file order).
  return matching
    .sort((a, b) => b.path.length - a.path.length)
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}
