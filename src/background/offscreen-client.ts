import { request } from '../shared/messenger';

/**
 * The offscreen document's lifecycle (DESIGN fact 4): the worker has no URL.createObjectURL, so a document
 * with reason BLOBS assembles the pieces and returns a blob: URL. The URL lives only as long as the document,
 * so the document stays open until every save it served has completed.
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
      justification: 'Assemble downloaded pieces into one Blob and give it a blob: URL to save.',
    })
    .finally(() => {
      creating = null;
    });
  await creating;
}

export async function assemble(jobId: string, mime: string): Promise<{ url: string; sizeBytes: number }> {
  await ensureDocument();
  return request({ type: 'offscreen/assemble', jobId, mime });
}

export async function revoke(url: string): Promise<void> {
  const open = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
  });
  if (open.length > 0) await request({ type: 'offscreen/revoke', url });
}

/** Closing the document also revokes every blob: URL it made. */
export async function closeDocument(): Promise<void> {
  const open = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
  });
  if (open.length > 0) await chrome.offscreen.closeDocument().catch(() => {});
}
