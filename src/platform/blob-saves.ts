import { browser } from '../shared/browser-api';
import type { SaveEndpoints, SaveTransport } from './types';

/**
 * Firefox's saves. Its event page has no fetch handler (no service worker) and no offscreen document, but
 * `URL.createObjectURL` works there and downloads.download takes the blob: URL (docs/platform.md, Firefox). So
 * the save URL is never fetched by the browser: the event page reads the save stream itself (the stored pieces
 * in file order, hashed and checked as on Chromium, erroring rather than ever ending short), makes a Blob of it,
 * and has the browser download that Blob under the job's name. Saves start only once every byte is stored
 * (`streaming: false`). The blob: URL is revoked once its download has ended (it dies with the page anyway).
 */
let endpoints: SaveEndpoints | null = null;
/** download id → the blob: URL it reads. */
const urls = new Map<number, string>();

function revoke(id: number): void {
  const url = urls.get(id);
  if (url === undefined) return;
  urls.delete(id);
  URL.revokeObjectURL(url);
}

export const blobSaves: SaveTransport = {
  streaming: false,
  serve(wired) {
    endpoints = wired;
    browser.downloads.onChanged.addListener((delta) => {
      const state = delta.state?.current;
      if (state === 'complete' || state === 'interrupted') revoke(delta.id);
    });
  },
  async open(url) {
    if (!endpoints) throw new Error('saves are not wired yet');
    const response = await endpoints.respond(new Request(url));
    if (!response.ok) throw new Error(`the save stream answered ${response.status}`);
    const filename = nameOf(response.headers.get('content-disposition'));
    const blob = await response.blob();
    const blobUrl = URL.createObjectURL(blob);
    let id: number;
    try {
      id = await browser.downloads.download({
        url: blobUrl,
        ...(filename ? { filename } : {}),
        conflictAction: 'uniquify',
        saveAs: false,
      });
    } catch (error) {
      URL.revokeObjectURL(blobUrl);
      throw error;
    }
    urls.set(id, blobUrl);
    endpoints.created({ id, url });
  },
  async close() {},
};

/** The name a save stream gives its file (`filename*=UTF-8''…`, save-streams.ts), or null. */
export function nameOf(disposition: string | null): string | null {
  const match = /filename\*=UTF-8''([^;\s]+)/i.exec(disposition ?? '');
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]) || null;
  } catch {
    return null;
  }
}
