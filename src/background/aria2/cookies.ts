/**
 * The Cookie header the browser would send to `url`, for aria2 to send in its place. The cookies API is an
 * optional permission, asked for when the user turns "send to aria2" on; without it (declined, or revoked) the
 * download goes to aria2 without cookies, and null says so.
 */

import { browser } from '../../shared/browser-api';
export async function cookieHeaderFor(url: string): Promise<string | null> {
  const granted = await browser.permissions.contains({ permissions: ['cookies'] }).catch(() => false);
  if (!granted || !browser.cookies) return null;
  const cookies = await browser.cookies.getAll({ url });
  // RFC 6265 5.4: longer paths first (the browser's own order; equal paths keep the store's order).
  const ordered = [...cookies].sort((a, b) => b.path.length - a.path.length);
  return ordered.map((c) => `${c.name}=${c.value}`).join('; ');
}
