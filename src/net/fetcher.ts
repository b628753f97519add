import type { Fetcher, HttpResponse } from '../engine/types';

/**
 * The only caller of the platform's fetch(). Works in the service worker, in extension pages and in Node 20.
 * `cache: 'no-store'` keeps range requests off the HTTP cache (a cached partial entry makes Chromium send
 * conditional requests and re-send ranges).
 */
export function createFetcher(fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): Fetcher {
  return async ({ url, headers, signal }): Promise<HttpResponse> => {
    const response = await fetchImpl(url, {
      method: 'GET',
      headers,
      signal,
      cache: 'no-store',
      credentials: 'include',
      redirect: 'follow',
    });
    return {
      status: response.status,
      url: response.url || url,
      headers: response.headers,
      body: response.body,
      raw: response,
    };
  };
}
