import { browser, type Menus, type Tabs } from '../shared/browser-api';
import { t } from '../shared/i18n';
import type { SkipNote } from '../shared/job-view';
import type { Settings } from '../shared/settings';
import type { Aria2Link, SendResult } from './aria2/send';
import { nameFromUrl } from './intercept';
import type { JobManager } from './job-manager';

export const MENU_ID = 'download-with-accelerator';
export const ARIA2_MENU_ID = 'send-to-aria2';

/** Menu items persist across worker restarts, so they are (re)created only on install and update. */
export function createMenu(): void {
  void browser.contextMenus.removeAll().then(() => {
    browser.contextMenus.create({ id: MENU_ID, title: t('menu_download'), contexts: ['link'] });
    browser.contextMenus.create({ id: ARIA2_MENU_ID, title: t('menu_send_to_aria2'), contexts: ['link'] });
  });
}

/** What the menu needs for aria2: the settings, the sender, and the popup's notes for a link not sent. */
export interface MenuAria2 {
  settings: () => Promise<Settings>;
  send: (link: Aria2Link, settings: Settings) => Promise<SendResult>;
  note: (note: SkipNote) => Promise<void>;
}

/**
 * "Download with accelerator" runs the link through the engine whatever its size (through aria2 instead when
 * the settings say so, the engine's job being the fallback); "Send to aria2" hands it to aria2 whatever the
 * setting. `expectedSha256` (the popup's field) goes with the link either way. Resolves with the job's id or
 * aria2's GID, or null.
 */
export async function onMenuClicked(
  info: Pick<Menus.OnClickData, 'menuItemId' | 'linkUrl' | 'pageUrl'>,
  tab: Pick<Tabs.Tab, 'incognito'> | undefined,
  manager: Pick<JobManager, 'add'>,
  aria2?: MenuAria2,
  expectedSha256: string | null = null,
): Promise<string | null> {
  const { menuItemId, linkUrl } = info;
  if ((menuItemId !== MENU_ID && menuItemId !== ARIA2_MENU_ID) || !linkUrl || tab?.incognito) return null;
  if (!/^https?:\/\//i.test(linkUrl)) return null;
  const pageUrl = info.pageUrl ?? null;
  const settings = aria2 ? await aria2.settings() : null;
  if (aria2 && settings && (menuItemId === ARIA2_MENU_ID || settings.sendToAria2)) {
    const sent = await aria2.send(
      {
        url: linkUrl,
        filename: nameFromUrl(linkUrl),
        referrer: pageUrl,
        ...(expectedSha256 === null ? {} : { sha256: expectedSha256 }),
      },
      settings,
    );
    if (sent.ok) return sent.gid;
    const reason = menuItemId === MENU_ID ? t('aria2_sent_fallback', sent.reason) : sent.reason;
    await aria2.note({ url: linkUrl, reason, at: Date.now() });
    if (menuItemId === ARIA2_MENU_ID) return null;
  }
  if (menuItemId === ARIA2_MENU_ID) return null;
  return addLink(manager, linkUrl, pageUrl, expectedSha256);
}

/**
 * A link the user asked for (the menu, or the popup's field with an http(s) URL checked by parseMessage):
 * queued whatever its size, with the page it came from, if known, as its Referer. Both are origin 'menu',
 * the record's name for a job the user started rather than one taken over. A hash the user expects is the
 * job's from the start, so the save is held to it.
 */
export function addLink(
  manager: Pick<JobManager, 'add'>,
  url: string,
  pageUrl: string | null,
  expectedSha256: string | null = null,
): Promise<string> {
  return manager.add({
    url,
    referrer: pageUrl,
    origin: 'menu',
    filename: nameFromUrl(url),
    sizeBytes: null,
    ...(expectedSha256 === null ? {} : { expectedSha256 }),
  });
}
