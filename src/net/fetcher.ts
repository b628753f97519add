import type { Fetcher, HttpResponse } from '../engine/types';

/**
 * The only caller of the platform's fetch(). Works in the service worker, in extension pages and in Node 20.
 * `cache: 'no-store'` keeps range requests off the HTTP cache (a cached partial entry makes Chromium send
 * conditional requests and re-send ranges).
 */
export function createFetcher(fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): Fetcher {
  return async ({ url, headers, signal, redirect = 'follow' }): Promise<HttpResponse> => {
    const response = await fetchImpl(url, {
      method: 'GET',
      headers,
      signal,
      cache: 'no-store',
      credentials: 'include',
      redirect,
    });
    if (redirect === 'manual' && isRedirect(response)) {
      response.body?.cancel().catch(() => {});
      return {
        status: response.status,
        url,
        headers: response.headers,
        body: null,
        redirect: { location: locationOf(response, url) },
      };
    }
    return {
      status: response.status,
      url: response.url || url,
      headers: response.headers,
      body: response.body,
      raw: response,
    };
  };
}

/**
 * A redirect not followed: a browser gives an opaque one (status 0, nothing readable), Node (undici) the 3xx
 * itself. 304 is an answer to a conditional request, not a redirect.
 */
function isRedirect(response: Response): boolean {
  return (
    response.type === 'opaqueredirect' ||
    (response.status >= 300 && response.status < 400 && response.status !== 304)
  );
}

function locationOf(response: Response, url: string): string | null {
  const location = response.headers.get('location');
  if (!location) return null;
  try {
    return new URL(location, url).href;
  } catch {
    return location;
  }
}
