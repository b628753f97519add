import { linkPage, type Site, type SiteOptions, siteOf, sourceOf } from './site';
import { siteFile, startSite } from './site-server';

const LINK_PATH = '/file';
const KIB = 1024;

export interface ExpiringRedirectSite extends Site {
  /** How long each signed URL works after its redirect was issued. */
  readonly validMs: number;
  /**
   * Whether the link still gives a fresh signed URL (default true). A dead link answers `deadStatus` (410) to
   * every request without a signature, as a withdrawn release does; signed URLs keep their own expiry.
   */
  setLinkAlive(alive: boolean): void;
}

/**
 * A CDN's signed links: the page's link `/file` answers 302 to `/file?sig=N&exp=T`, a URL that serves the file
 * (ranges too) until T, `validMs` after the redirect was issued, and 403 from then on, as it does to a
 * signature it never issued. Every connection is capped (default 256 KiB/s), so a download of the default file
 * takes several times `validMs` and has to come back to the link for a fresh URL. `setLinkAlive(false)` stops
 * the link issuing URLs until it is set alive again.
 */
export async function expiringRedirectSite(
  options: SiteOptions & { validMs?: number; deadStatus?: 403 | 404 | 410 } = {},
): Promise<ExpiringRedirectSite> {
  const source = sourceOf(options, 107);
  const file = siteFile(source, 'expiring.bin');
  const validMs = options.validMs ?? 2000;
  const deadStatus = options.deadStatus ?? 410;
  const issued = new Map<string, number>();
  let linkAlive = true;
  const server = await startSite(
    async (x) => {
      if (x.record.path === '/') return x.html(linkPage('Release assets', LINK_PATH));
      if (x.record.path !== LINK_PATH) return x.answer(404);
      if (x.req.method !== 'GET' && x.req.method !== 'HEAD') return x.answer(405, { allow: 'GET, HEAD' });
      const query = new URLSearchParams(x.record.search);
      const sig = query.get('sig');
      if (sig === null) {
        if (!linkAlive) return x.answer(deadStatus);
        const signed = String(issued.size + 1);
        const expiresAtMs = Date.now() + validMs;
        issued.set(signed, expiresAtMs);
        return x.answer(302, { location: `${LINK_PATH}?sig=${signed}&exp=${expiresAtMs}` });
      }
      const expiresAtMs = issued.get(sig);
      if (
        expiresAtMs === undefined ||
        query.get('exp') !== String(expiresAtMs) ||
        Date.now() >= expiresAtMs
      ) {
        return x.answer(403);
      }
      await x.sendFile(file);
    },
    { bytesPerSecond: options.bytesPerSecond ?? 256 * KIB },
  );
  return {
    ...(await siteOf([server], {
      pageUrl: `${server.origin}/`,
      fileUrl: `${server.origin}${LINK_PATH}`,
      fileName: 'expiring.bin',
      source,
    })),
    validMs,
    setLinkAlive(alive) {
      linkAlive = alive;
    },
  };
}
