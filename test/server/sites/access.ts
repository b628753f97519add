import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { RequestRecord } from '../types';
import { formPage, linkPage, type Site, type SiteOptions, siteOf, sourceOf } from './site';
import { type Exchange, type SiteServer, siteFile, startSite } from './site-server';

/**
 * Sites that serve their file only to the request a browser makes from their page: a form POST, a request
 * carrying the page's cookie, a request with the page as its Referer. Anything else is refused, ranges of the
 * same file included, so a download manager that cannot reproduce the browser's request gets nothing.
 */

const FILE_PATH = '/file.bin';

/** The file answers only a POST of the page's form (200, the whole file); a GET of it gets 405. */
export async function formPostSite(options: SiteOptions = {}): Promise<Site> {
  const source = sourceOf(options, 101);
  const file = siteFile(source, 'form-post.bin');
  const server = await startSite(async (x) => {
    if (x.record.path === '/') return x.html(formPage('Monthly reports', FILE_PATH));
    if (x.record.path !== FILE_PATH) return x.answer(404);
    if (x.req.method !== 'POST') return x.answer(405, { allow: 'POST' });
    x.req.resume(); // the form's fields are not needed, only read
    await once(x.req, 'end');
    await x.sendFile(file);
  }, options);
  return siteOf([server], {
    pageUrl: `${server.origin}/`,
    fileUrl: `${server.origin}${FILE_PATH}`,
    fileName: 'form-post.bin',
    source,
  });
}

export interface CookieSite extends Site {
  /** The `name=value` pair the page sets and the file requires. */
  readonly cookie: string;
}

/** The page sets a session cookie; the file (ranges too) answers only requests carrying it, others 403. */
export async function cookieSite(options: SiteOptions = {}): Promise<CookieSite> {
  const source = sourceOf(options, 102);
  const file = siteFile(source, 'cookie.bin');
  const cookie = `session=${randomUUID()}`;
  const server = await startSite(async (x) => {
    if (x.record.path === '/') {
      return x.html(linkPage('Members area', FILE_PATH), {
        'set-cookie': `${cookie}; Path=/; SameSite=Lax; HttpOnly`,
      });
    }
    if (x.record.path !== FILE_PATH) return x.answer(404);
    const sent = (x.header('cookie') ?? '').split(';').map((pair) => pair.trim());
    if (!sent.includes(cookie)) return x.answer(403);
    await x.sendFile(file);
  }, options);
  return {
    ...(await siteOf([server], {
      pageUrl: `${server.origin}/`,
      fileUrl: `${server.origin}${FILE_PATH}`,
      fileName: 'cookie.bin',
      source,
    })),
    cookie,
  };
}

export interface RefererSite extends Site {
  /** The one Referer the file is served with. */
  readonly referer: string;
  /** The page server's log: the file server's own when the page lives there too. */
  readonly pageRequests: RequestRecord[];
}

/**
 * The file answers only requests whose Referer is what Chromium sends from the page under its default policy,
 * strict-origin-when-cross-origin: the page's full URL (query included) from the same origin; from another
 * origin (`crossOrigin`: the page on another port) only that origin, `http://127.0.0.1:PORT/`. Else 403.
 */
export async function refererSite(
  options: SiteOptions & { crossOrigin?: boolean } = {},
): Promise<RefererSite> {
  const source = sourceOf(options, options.crossOrigin ? 104 : 103);
  const fileName = options.crossOrigin ? 'referer-cross-origin.bin' : 'referer.bin';
  const file = siteFile(source, fileName);
  const pagePath = '/page?from=catalogue';
  const expected = { referer: '', fileUrl: '' };
  const servePage = (x: Exchange): boolean => {
    if (x.record.path !== '/' && x.record.path !== '/page') return false;
    x.html(linkPage('Catalogue', expected.fileUrl));
    return true;
  };
  const fileServer = await startSite(async (x) => {
    if (!options.crossOrigin && servePage(x)) return;
    if (x.record.path !== FILE_PATH) return x.answer(404);
    if (x.header('referer') !== expected.referer) return x.answer(403);
    await x.sendFile(file);
  }, options);
  let pageServer: SiteServer = fileServer;
  if (options.crossOrigin) {
    pageServer = await startSite((x) => {
      if (!servePage(x)) x.answer(404);
    });
  }
  const pageUrl = `${pageServer.origin}${pagePath}`;
  expected.fileUrl = `${fileServer.origin}${FILE_PATH}`;
  expected.referer = options.crossOrigin ? `${pageServer.origin}/` : pageUrl;
  const servers = options.crossOrigin ? [fileServer, pageServer] : [fileServer];
  return {
    ...(await siteOf(servers, { pageUrl, fileUrl: expected.fileUrl, fileName, source })),
    referer: expected.referer,
    pageRequests: pageServer.requests,
  };
}
