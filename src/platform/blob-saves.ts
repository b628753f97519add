import { browser } from '../shared/browser-api';
import type { SaveEndpoints, SaveTransport } from './types';

/**
 * Firefox's saves. Its event page has no fetch handler (no service worker) and no offscreen document, but
 * `URL.createObjectURL` works there and downloads.download takes the blob: URL (docs/platform.md, Firefox). So
 * the save URL is never fetched by the browser: from the moment the job knows its file, the event page follows
 * its pieces as they are stored, in file order, hashing them as on Chromium (save-streams.ts `collect`), and
 * once the last one is in and the file judged, has the browser download one Blob of the stored pieces' parts
 * (no copy of the bytes) under the job's name ('at-end'). The blob: URL is revoked once its download has
 * ended (it dies with the page anyway).
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
  creates: 'at-end',
  serve(wired) {
    endpoints = wired;
    browser.downloads.onChanged.addListener((delta) => {
      const state = delta.state?.current;
      if (state === 'complete' || state === 'interrupted') revoke(delta.id);
    });
  },
  async open(url) {
    if (!endpoints) throw new Error('saves are not wired yet');
    const { blob, filename } = await endpoints.collect(url);
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
