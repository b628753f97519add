import { describe, expect, it } from 'vitest';
import { createFetcher } from '../../src/net/fetcher';

/** A fetch that answers `response` and remembers the redirect mode it was asked with. */
function fakeFetch(response: Response, modes: (RequestRedirect | undefined)[]): typeof fetch {
  return (async (_url: string, init?: RequestInit) => {
    modes.push(init?.redirect);
    return response;
  }) as typeof fetch;
}

const request = (redirect?: 'follow' | 'manual') => ({
  url: 'http://files.test/a/file.bin',
  headers: {},
  signal: new AbortController().signal,
  redirect,
});

describe('createFetcher: redirects', () => {
  it('follows by default, and passes the mode asked for', async () => {
    const modes: (RequestRedirect | undefined)[] = [];
    await createFetcher(fakeFetch(new Response('x'), modes))(request());
    await createFetcher(fakeFetch(new Response('x'), modes))(request('manual'));
    expect(modes).toEqual(['follow', 'manual']);
  });

  it("reports Node's 3xx to a manual request as a redirect, with the Location resolved", async () => {
    const answer = new Response(null, { status: 302, headers: { location: '../b/file.bin?sig=2' } });
    const response = await createFetcher(fakeFetch(answer, []))(request('manual'));
    expect(response.redirect).toEqual({ location: 'http://files.test/b/file.bin?sig=2' });
    expect(response.body).toBeNull();
  });

  it("reports a browser's opaque redirect (status 0, nothing readable) as a redirect to somewhere unknown", async () => {
    const opaque = {
      type: 'opaqueredirect',
      status: 0,
      url: '',
      headers: new Headers(),
      body: null,
    } as Response;
    const response = await createFetcher(fakeFetch(opaque, []))(request('manual'));
    expect(response.redirect).toEqual({ location: null });
  });

  it('a 304 or a 200 is no redirect', async () => {
    const fetcher = createFetcher(fakeFetch(new Response(null, { status: 304 }), []));
    expect((await fetcher(request('manual'))).redirect).toBeUndefined();
    const ok = createFetcher(fakeFetch(new Response('x', { status: 200 }), []));
    expect((await ok(request('manual'))).redirect).toBeUndefined();
  });
});
