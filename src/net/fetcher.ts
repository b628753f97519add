import type { Fetcher, HttpResponse } from '../engine/types';

export interface FetcherOptions {
  /**
   * Headers for each URL asked, added to the request's own (the CLI's cookies by host). With it, redirects are
   * followed here, one hop at a time, so each hop gets the headers of its own URL.
   */
  headersFor?: (url: string) => Record<string, string>;
  /** A request whose response headers do not come within this long fails (retried like any network failure). */
  headersTimeoutMs?: number;
}

/** Redirect hops followed at most, as browsers do. */
const MAX_REDIRECTS = 20;

/**
 * The only caller of the platform's fetch(). Works in the service worker, in extension pages and in Node 20.
 * `cache: 'no-store'` keeps range requests off the HTTP cache (a cached partial entry makes Chromium send
 * conditional requests and re-send ranges).
 */
export function createFetcher(
  fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
  options: FetcherOptions = {},
): Fetcher {
  const once: Fetcher = async ({ url, headers, signal, redirect = 'follow' }): Promise<HttpResponse> => {
    const response = await timed(options.headersTimeoutMs, signal, (s) =>
      fetchImpl(url, {
        method: 'GET',
        headers: { ...headers, ...options.headersFor?.(url) },
        signal: s,
        cache: 'no-store',
        credentials: 'include',
        redirect,
      }),
    );
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
  if (!options.headersFor) return once;
  return async (request) => {
    if (request.redirect === 'manual') return once(request);
    let url = request.url;
    for (let hop = 0; ; hop++) {
      const response = await once({ ...request, url, redirect: 'manual' });
      const location = response.redirect?.location;
      if (!location) return response;
      if (hop >= MAX_REDIRECTS)
        throw new TypeError(`more than ${MAX_REDIRECTS} redirects from ${request.url}`);
      url = location;
    }
  };
}

/** `run` with a signal that also aborts if it has not resolved within `timeoutMs` (none: no limit). */
async function timed<T>(
  timeoutMs: number | undefined,
  signal: AbortSignal,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (timeoutMs === undefined) return run(signal);
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new Error(`no response within ${timeoutMs / 1000} s`)),
    timeoutMs,
  );
  try {
    return await run(AbortSignal.any([signal, timeout.signal]));
  } finally {
    clearTimeout(timer);
  }
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
