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
  manager: JobManager,
): Promise<string | null> {
  if (info.menuItemId !== MENU_ID || !info.linkUrl || tab?.incognito) return null;
  if (!/^https?:\/\//i.test(info.linkUrl)) return null;
  return manager.add({
    url: info.linkUrl,
    referrer: info.pageUrl ?? null,
    origin: 'menu',
    filename: nameFromUrl(info.linkUrl),
    sizeBytes: null,
  });
}
