import { isSaveUrl } from '../background/save-streams';
import { browser } from '../shared/browser-api';
import { request } from '../shared/messenger';
import type { SaveEndpoints, SaveTransport } from './types';

/**
 * Chromium's saves: the worker's fetch handler answers the save URL with the file streamed from its pieces,
 * and the offscreen document opens that URL in a frame (the worker cannot navigate a frame, and
 * downloads.download cannot take such a URL, docs/platform.md fact 9): the navigation becomes an ordinary
 * browser download, written as the bytes arrive. The document stays open while saves are being started.
 */
const PATH = 'src/offscreen/offscreen.html';
let creating: Promise<void> | null = null;

async function ensureDocument(): Promise<void> {
  const url = browser.runtime.getURL(PATH);
  const contexts = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
    documentUrls: [url],
  });
  if (contexts.length > 0) return;
  creating ??= chrome.offscreen
    .createDocument({
      url: PATH,
      reasons: [chrome.offscreen.Reason.BLOBS],
      justification: "Open the stream of a file's stored pieces so the browser saves it as a download.",
    })
    .finally(() => {
      creating = null;
    });
  await creating;
}

interface FetchEvent extends Event {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}

export const offscreenSaves: SaveTransport = {
  creates: 'at-once',
  serve(endpoints: SaveEndpoints) {
    // The browser's requests for a save stream; the downloads they become reach downloads.onCreated (main.ts).
    globalThis.addEventListener('fetch', (e) => {
      const event = e as FetchEvent;
      if (!isSaveUrl(event.request.url)) return;
      event.respondWith(endpoints.respond(event.request));
    });
  },
  async open(url) {
    await ensureDocument();
    await request({ type: 'offscreen/save', url });
  },
  async close() {
    const open = await chrome.runtime.getContexts({
      contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
    });
    if (open.length > 0) await chrome.offscreen.closeDocument().catch(() => {});
  },
};
