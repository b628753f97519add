import type { RequestOptions } from './args';
import { type Cookie, cookieHeader } from './cookies';
import { CREDENTIAL_HEADERS } from './headers';

/**
 * The headers of the command line for one request URL: every -H header, User-Agent and Referer everywhere;
 * Cookie and Authorization (given with -H or --cookie) only to the download URL's own host, never to another
 * host a redirect leads to; cookies from --load-cookies to each host they match.
 */
export function headersFor(
  o: RequestOptions,
  downloadUrl: string,
  jar: readonly Cookie[],
  nowMs: () => number,
): (url: string) => Record<string, string> {
  const home = new URL(downloadUrl).hostname;
  return (url) => {
    const ownHost = new URL(url).hostname === home;
    const headers: Record<string, string> = {};
    const cookies: string[] = [];
    for (const [name, value] of Object.entries(o.headers)) {
      const lower = name.toLowerCase();
      if (CREDENTIAL_HEADERS.has(lower) && !ownHost) continue;
      if (lower === 'cookie') cookies.push(value);
      else headers[name] = value;
    }
    if (ownHost && o.cookie !== null) cookies.push(o.cookie);
    const fromJar = cookieHeader(jar, url, nowMs());
    if (fromJar !== null) cookies.push(fromJar);
    if (cookies.length > 0) headers.Cookie = cookies.join('; ');
    return headers;
  };
}
