import type { FileSource } from '../sources';
import { patternSource } from '../sources';
import type { RequestRecord } from '../types';
import { linkPage, type Site, type SiteOptions, siteOf, sourceOf } from './site';
import { siteFile, startSite } from './site-server';

/**
 * Sites where a ranged request gets something other than the file the browser downloads: a plain GET gets the
 * file (200), a request with Range another file, by a redirect to another host or directly. Taking over such a
 * download would save the wrong file.
 */

const FILE_PATH = '/file.bin';
const OTHER_PATH = '/elsewhere.bin';
const MIB = 1024 * 1024;

/** Another file than `source`: another size and other bytes, hence another default ETag. */
function otherThan(source: FileSource, seed: number): FileSource {
  return patternSource(source.size + MIB / 2, seed);
}

export interface RangedRedirectSite extends Site {
  /** Where ranged requests are sent: a file with another name and size on 127.0.0.2, another host. */
  readonly otherUrl: string;
  readonly otherFileName: string;
  readonly otherSizeBytes: number;
  /** The log of the site on 127.0.0.2. */
  readonly otherRequests: RequestRecord[];
}

/** A GET without Range gets the file; any request with Range gets 302 to another file on 127.0.0.2. */
export async function rangedRedirectSite(options: SiteOptions = {}): Promise<RangedRedirectSite> {
  const source = sourceOf(options, 108);
  const other = otherThan(source, 109);
  const file = siteFile(source, 'ranged-redirect.bin');
  const otherFile = siteFile(other, 'elsewhere.bin');
  const elsewhere = await startSite(
    async (x) => {
      if (x.record.path !== OTHER_PATH) return x.answer(404);
      await x.sendFile(otherFile);
    },
    { host: '127.0.0.2' },
  );
  const otherUrl = `${elsewhere.origin}${OTHER_PATH}`;
  const server = await startSite(async (x) => {
    if (x.record.path === '/') return x.html(linkPage('Mirrors', FILE_PATH));
    if (x.record.path !== FILE_PATH) return x.answer(404);
    if (x.record.range !== null) return x.answer(302, { location: otherUrl });
    await x.sendFile(file);
  }, options);
  return {
    ...(await siteOf([server, elsewhere], {
      pageUrl: `${server.origin}/`,
      fileUrl: `${server.origin}${FILE_PATH}`,
      fileName: 'ranged-redirect.bin',
      source,
    })),
    otherUrl,
    otherFileName: 'elsewhere.bin',
    otherSizeBytes: other.size,
    otherRequests: elsewhere.requests,
  };
}

export interface OtherFileSite extends Site {
  readonly otherSizeBytes: number;
}

/**
 * A GET without Range gets the file; a ranged request gets 206 of another file with another ETag: of another
 * size, or (`sameSize`) of the same size, so that only the validators and the bytes tell them apart.
 */
export async function otherFileSite(
  options: SiteOptions & { sameSize?: boolean } = {},
): Promise<OtherFileSite> {
  const source = sourceOf(options, options.sameSize ? 112 : 110);
  const other = options.sameSize ? patternSource(source.size, 113) : otherThan(source, 111);
  const fileName = options.sameSize ? 'other-file-same-size.bin' : 'other-file.bin';
  const file = siteFile(source, fileName);
  const otherFile = siteFile(other, fileName);
  const server = await startSite(async (x) => {
    if (x.record.path === '/') return x.html(linkPage('Nightly builds', FILE_PATH));
    if (x.record.path !== FILE_PATH) return x.answer(404);
    await x.sendFile(x.record.range === null ? file : otherFile);
  }, options);
  return {
    ...(await siteOf([server], {
      pageUrl: `${server.origin}/`,
      fileUrl: `${server.origin}${FILE_PATH}`,
      fileName,
      source,
    })),
    otherSizeBytes: other.size,
  };
}
