import { type FileSource, patternSource, sha256Of } from '../sources';
import type { RequestRecord } from '../types';
import type { SiteServer } from './site-server';

/**
 * A web site whose page links to (or posts a form for) one file, as the end-to-end tests click it: what the
 * browser alone would save (name, size, SHA-256) and every request the site saw.
 */
export interface Site {
  /** The page to open; its element `#file` is the link or the form's submit button. */
  readonly pageUrl: string;
  /** What the page links to (the form's action for a POST). */
  readonly fileUrl: string;
  /** The name the browser saves the file under (the site's Content-Disposition). */
  readonly fileName: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  /** The log of the server holding the file, page requests included when the page lives there too. */
  readonly requests: RequestRecord[];
  close(): Promise<void>;
}

/** What every site factory accepts. */
export interface SiteOptions {
  /** The file the browser saves; default a few MiB of pattern bytes, its seed distinct per site. */
  source?: FileSource;
  /** Caps every connection of the file's server at this rate. */
  bytesPerSecond?: number;
}

const MIB = 1024 * 1024;
export const DEFAULT_SIZE_BYTES = 4 * MIB;

export function sourceOf(options: SiteOptions, seed: number): FileSource {
  return options.source ?? patternSource(DEFAULT_SIZE_BYTES, seed);
}

/** A page with one link, id "file", to `href`. */
export function linkPage(title: string, href: string): string {
  return `<!doctype html><title>${title}</title><h1>${title}</h1><a id="file" href="${href}">download</a>`;
}

/** A page with one form posting to `action`; its submit button has id "file". */
export function formPage(title: string, action: string): string {
  return [
    `<!doctype html><title>${title}</title><h1>${title}</h1>`,
    `<form method="post" action="${action}">`,
    '<input type="hidden" name="report" value="2025-q1">',
    '<button id="file" type="submit">download</button>',
    '</form>',
  ].join('');
}

/** The Site of `servers` (the first holds the file), with the file's hash computed once. */
export async function siteOf(
  servers: readonly SiteServer[],
  fields: { pageUrl: string; fileUrl: string; fileName: string; source: FileSource },
): Promise<Site> {
  const [main] = servers;
  if (!main) throw new Error('a site needs a server');
  const sha256 = await sha256Of(fields.source);
  return {
    pageUrl: fields.pageUrl,
    fileUrl: fields.fileUrl,
    fileName: fields.fileName,
    sizeBytes: fields.source.size,
    sha256,
    requests: main.requests,
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

/** The requests for `path` (page and other paths left out). */
export function requestsTo(requests: readonly RequestRecord[], path: string): RequestRecord[] {
  return requests.filter((r) => r.path === path);
}
