import { randomUUID } from 'node:crypto';
import { linkPage, type Site, type SiteOptions, siteOf, sourceOf } from './site';
import { siteFile, startSite } from './site-server';

const FILE_PATH = '/once.bin';

/**
 * A link that works once, as a download link mailed out or a one-time token: the first request for it (any
 * method, ranged or not) is served; every later one gets `goneStatus` (410 Gone by default, or 403).
 */
export async function singleUseSite(options: SiteOptions & { goneStatus?: 410 | 403 } = {}): Promise<Site> {
  const source = sourceOf(options, 105);
  const file = siteFile(source, 'single-use.bin');
  const token = randomUUID();
  let used = false;
  const server = await startSite(async (x) => {
    if (x.record.path === '/') return x.html(linkPage('Your invoice', `${FILE_PATH}?token=${token}`));
    if (x.record.path !== FILE_PATH || x.record.search !== `?token=${token}`) return x.answer(404);
    if (used) return x.answer(options.goneStatus ?? 410);
    used = true;
    await x.sendFile(file);
  }, options);
  return siteOf([server], {
    pageUrl: `${server.origin}/`,
    fileUrl: `${server.origin}${FILE_PATH}?token=${token}`,
    fileName: 'single-use.bin',
    source,
  });
}
