/**
 * What the browser's own response said of the file it is downloading, for the take-over's comparison
 * (browser-match.ts): a downloads.DownloadItem has the size and type but no validators, so the worker notes the
 * ETag and Last-Modified of the browser's responses as webRequest reports them (docs/platform.md, "Taking over
 * a download"). Firefox's onCreated reports no size at all (totalBytes -1, docs/platform.md "Firefox"), so the
 * size a 200 declared (Content-Length, no content coding) is noted too. Only in memory, only the last few, only for a minute: the download's onCreated follows its
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
  private readonly entries = new Map<string, ResponseValidators & { sizeBytes: number | null; at: number }>();
  /** `sizeOf` calls waiting for the next response. */
  private readonly waiting = new Set<() => void>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Notes a response that carries a file (200 or 206) and a validator or a declared size; redirects and errors
   * are not files.
   */
  record(event: HeadersReceived): void {
    if (event.statusCode !== 200 && event.statusCode !== 206) return;
    const header = (name: string) =>
      event.responseHeaders?.find((h) => h.name.toLowerCase() === name)?.value?.trim() || null;
    const etag = header('etag');
    const lastModified = header('last-modified');
    const sizeBytes = event.statusCode === 200 ? declaredSize(header) : null;
    if (!etag && !lastModified && sizeBytes === null) return;
    this.entries.delete(event.url);
    this.entries.set(event.url, { etag, lastModified, sizeBytes, at: this.now() });
    for (const key of this.entries.keys()) {
      if (this.entries.size <= KEEP) break;
      this.entries.delete(key);
    }
    for (const wake of this.waiting) wake();
  }

  /** The validators of the browser's latest response from `url`, if it came within the last minute. */
  find(url: string): ResponseValidators | null {
    const entry = this.entries.get(url);
    if (!entry || this.now() - entry.at > KEEP_MS) return null;
    return { etag: entry.etag, lastModified: entry.lastModified };
  }

  /**
   * The size the browser's latest 200 from one of `urls` declared, waiting up to `waitMs` for its headers:
   * Firefox may deliver a download's onCreated before the webRequest event of its response (measured).
   */
  async sizeOf(urls: readonly string[], waitMs: number): Promise<number | null> {
    const found = () => urls.map((url) => this.size(url)).find((size) => size !== null) ?? null;
    const known = found();
    if (known !== null || waitMs <= 0 || urls.length === 0) return known;
    // Woken by each response noted (the take-over waits on this, so no polling interval adds to it).
    return new Promise((resolve) => {
      const done = (size: number | null) => {
        clearTimeout(timer);
        this.waiting.delete(wake);
        resolve(size);
      };
      const wake = () => {
        const size = found();
        if (size !== null) done(size);
      };
      const timer = setTimeout(() => done(null), waitMs);
      this.waiting.add(wake);
    });
  }

  /** The size the browser's latest 200 from `url` declared, if it came within the last minute. */
  size(url: string): number | null {
    const entry = this.entries.get(url);
    if (!entry || this.now() - entry.at > KEEP_MS) return null;
    return entry.sizeBytes;
  }
}

/** Content-Length of an unencoded body, else null (an encoded body's length is not the file's). */
function declaredSize(header: (name: string) => string | null): number | null {
  const coding = header('content-encoding');
  if (coding && coding.toLowerCase() !== 'identity') return null;
  const length = header('content-length');
  if (!length || !/^\d{1,16}$/.test(length)) return null;
  const size = Number(length);
  return Number.isSafeInteger(size) ? size : null;
}
