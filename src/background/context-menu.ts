import { nameFromUrl } from './intercept';
import type { JobManager } from './job-manager';

export const MENU_ID = 'download-with-accelerator';

/** Menu items persist across worker restarts, so they are (re)created only on install and update. */
export function createMenu(): void {
  chrome.contextMenus.removeAll(() => {
    chrome.contextMenus.create({ id: MENU_ID, title: 'Download with accelerator', contexts: ['link'] });
  });
}

/** "Download with accelerator": runs the link through the engine whatever its size. */
export async function onMenuClicked(
  info: Pick<chrome.contextMenus.OnClickData, 'menuItemId' | 'linkUrl' | 'pageUrl'>,
  tab: Pick<chrome.tabs.Tab, 'incognito'> | undefined,
  manager: Pick<JobManager, 'add'>,
): Promise<string | null> {
  if (info.menuItemId !== MENU_ID || !info.linkUrl || tab?.incognito) return null;
  if (!/^https?:\/\//i.test(info.linkUrl)) return null;
  return addLink(manager, info.linkUrl, info.pageUrl ?? null);
}

/**
 * A link the user asked for (the menu, or the popup's field with an http(s) URL checked by parseMessage):
 * queued whatever its size, with the page it came from, if known, as its Referer. Both are origin 'menu',
 * the record's name for a job the user started rather than one taken over.
 */
export function addLink(
  manager: Pick<JobManager, 'add'>,
  url: string,
  pageUrl: string | null,
): Promise<string> {
  return manager.add({
    url,
    referrer: pageUrl,
    origin: 'menu',
    filename: nameFromUrl(url),
    sizeBytes: null,
  });
}
