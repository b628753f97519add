import { linkPage, type Site, type SiteOptions, siteOf, sourceOf } from './site';
import { siteFile, startSite } from './site-server';

const FILE_PATH = '/file.bin';

/**
 * A GET without Range gets the file; a request with Range is never answered (no status line) until the client
 * gives up, as behind a proxy that stalls on ranges. Its record keeps status 0.
 */
export async function silentRangesSite(options: SiteOptions = {}): Promise<Site> {
  const source = sourceOf(options, 114);
  const file = siteFile(source, 'silent-ranges.bin');
  const server = await startSite(async (x) => {
    if (x.record.path === '/') return x.html(linkPage('Archive', FILE_PATH));
    if (x.record.path !== FILE_PATH) return x.answer(404);
    if (x.record.range !== null) return; // held open: close() ends it
    await x.sendFile(file);
  }, options);
  return siteOf([server], {
    pageUrl: `${server.origin}/`,
    fileUrl: `${server.origin}${FILE_PATH}`,
    fileName: 'silent-ranges.bin',
    source,
  });
}
