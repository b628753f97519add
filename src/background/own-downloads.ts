import { browser } from '../shared/browser-api';

/**
 * Downloads this extension starts itself (handing a job back to the browser) must not be taken over again.
 * downloads.onCreated does not report byExtensionId for them on Chromium 156, and it may fire before
 * downloads.download() resolves with the id, so the URL is noted before the call and consumed on creation.
 */
const expected = new Map<string, number>();
const FORGET_AFTER_MS = 60_000;

export async function startOwnDownload(url: string): Promise<number> {
  expected.set(url, (expected.get(url) ?? 0) + 1);
  setTimeout(() => consume(url), FORGET_AFTER_MS);
  return browser.downloads.download({ url });
}

/** True (once per download started) when a created download is one of ours. */
export function isOwnDownload(url: string, finalUrl?: string): boolean {
  return consume(url) || (finalUrl !== undefined && consume(finalUrl));
}

function consume(url: string): boolean {
  const count = expected.get(url);
  if (count === undefined) return false;
  if (count <= 1) expected.delete(url);
  else expected.set(url, count - 1);
  return true;
}

/**
 * The browser's download of `url` started at or after `sinceMs`: a hand-back whose call reached the browser
 * though the worker stopped before its id was stored. (The download a job was taken from is erased, and older.)
 */
export async function findOwnDownload(url: string, sinceMs: number): Promise<number | null> {
  const items = await browser.downloads.search({ url, startedAfter: new Date(sinceMs).toISOString() });
  return items[0]?.id ?? null;
}
