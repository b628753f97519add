/**
 * What the browser's own response said of the file it is downloading, for the take-over's comparison
 * (browser-match.ts): a downloads.DownloadItem has the size and type but no validators, so the worker notes the
 * ETag and Last-Modified of the browser's responses as webRequest reports them (docs/platform.md, "Taking over
 * a download"). Only in memory, only the last few, only for a minute: the download's onCreated follows its
 * response headers within moments, and nothing of the user's browsing is kept beyond that.
 */

export interface ResponseValidators {
  etag: string | null;
  lastModified: string | null;
}

/** The fields of a webRequest.onHeadersReceived event the log needs. */
export interface HeadersReceived {
  url: string;
  statusCode: number;
  responseHeaders?: { name: string; value?: string | undefined }[] | undefined;
}

const KEEP = 32;
const KEEP_MS = 60_000;

export class ResponseLog {
  private readonly entries = new Map<string, ResponseValidators & { at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Notes a response that carries a file (200 or 206) and a validator; redirects and errors are not files. */
  record(event: HeadersReceived): void {
    if (event.statusCode !== 200 && event.statusCode !== 206) return;
    const header = (name: string) =>
      event.responseHeaders?.find((h) => h.name.toLowerCase() === name)?.value?.trim() || null;
    const etag = header('etag');
    const lastModified = header('last-modified');
    if (!etag && !lastModified) return;
    this.entries.delete(event.url);
    this.entries.set(event.url, { etag, lastModified, at: this.now() });
    for (const key of this.entries.keys()) {
      if (this.entries.size <= KEEP) break;
      this.entries.delete(key);
    }
  }

  /** The validators of the browser's latest response from `url`, if it came within the last minute. */
  find(url: string): ResponseValidators | null {
    const entry = this.entries.get(url);
    if (!entry || this.now() - entry.at > KEEP_MS) return null;
    return { etag: entry.etag, lastModified: entry.lastModified };
  }
}
