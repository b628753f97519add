import { linkPage, type Site, type SiteOptions, siteOf, sourceOf } from './site';
import { siteFile, startSite } from './site-server';

const FILE_PATH = '/file.bin';

/** The control: a page linking to a file on a correct range server (206, ETag, Last-Modified, If-Range). */
export async function plainSite(options: SiteOptions = {}): Promise<Site> {
  const source = sourceOf(options, 106);
  const file = siteFile(source, 'plain.bin');
  const server = await startSite(async (x) => {
    if (x.record.path === '/') return x.html(linkPage('Downloads', FILE_PATH));
    if (x.record.path !== FILE_PATH) return x.answer(404);
    if (x.req.method !== 'GET' && x.req.method !== 'HEAD') return x.answer(405, { allow: 'GET, HEAD' });
    await x.sendFile(file);
  }, options);
  return siteOf([server], {
    pageUrl: `${server.origin}/`,
    fileUrl: `${server.origin}${FILE_PATH}`,
    fileName: 'plain.bin',
    source,
  });
}
