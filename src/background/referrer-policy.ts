/**
 * The Referer the browser itself would send for `target` from the page `pageUrl`, under its default referrer
 * policy, strict-origin-when-cross-origin (Fetch / Referrer Policy specs): the page's full URL (no fragment, no
 * credentials) to the same origin, only its origin to another origin, and nothing from https to http.
 */
export function refererFor(pageUrl: string | null | undefined, target: string): string | null {
  if (!pageUrl) return null;
  let page: URL;
  let to: URL;
  try {
    page = new URL(pageUrl);
    to = new URL(target);
  } catch {
    return null;
  }
  if (!/^https?:$/.test(page.protocol)) return null;
  if (page.protocol === 'https:' && to.protocol === 'http:') return null;
  if (page.origin === to.origin) {
    page.hash = '';
    page.username = '';
    page.password = '';
    return page.href;
  }
  return `${page.origin}/`;
}
