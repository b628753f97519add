import { request } from '../shared/messenger';

/**
 * The offscreen document's lifecycle. The worker cannot navigate a frame to its own save stream URL, and
 * downloads.download cannot take that URL (docs/platform.md fact 9), so a document opens it: the navigation
 * becomes an ordinary browser download. The document stays open while saves are being started.
 */
const PATH = 'src/offscreen/offscreen.html';
let creating: Promise<void> | null = null;

async function ensureDocument(): Promise<void> {
  const url = chrome.runtime.getURL(PATH);
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

/** Has the offscreen document open `url` (a save stream of the worker's); the browser then downloads it. */
export async function openSave(url: string): Promise<void> {
  await ensureDocument();
  await request({ type: 'offscreen/save', url });
}

export async function closeDocument(): Promise<void> {
  const open = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
  });
  if (open.length > 0) await chrome.offscreen.closeDocument().catch(() => {});
}
