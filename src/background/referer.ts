import { browser } from '../shared/browser-api';
import { refererFor } from './referrer-policy';

/**
 * The worker's fetch never sends Referer, and fetch({referrer}) is dropped (docs/platform.md fact 7). Servers
 * that check it get the one the browser would send (referrer-policy.ts) through declarativeNetRequest session
 * rules, limited to requests this extension makes to the URLs of one job (its resolved URL and the link it came
 * from, each matched up to its query, so a renewed signed link matches too), and removed when the job stops.
 */
const rules = new Map<string, number[]>();
/** Ids handed out but perhaps not yet added: two rules added at once must not get the same id. */
let lastId = 0;

export async function addRefererRule(
  key: string,
  urls: readonly string[],
  pageUrl: string | null,
): Promise<void> {
  if (!pageUrl || rules.has(key)) return;
  const wanted = [...new Set(urls)].flatMap((url) => {
    const value = refererFor(pageUrl, url);
    return value ? [{ url, value }] : [];
  });
  if (wanted.length === 0) return;
  const existing = await browser.declarativeNetRequest.getSessionRules();
  const ids = wanted.map(() => {
    lastId = Math.max(lastId, ...existing.map((r) => r.id)) + 1;
    return lastId;
  });
  rules.set(key, ids);
  await browser.declarativeNetRequest.updateSessionRules({
    addRules: wanted.map(({ url, value }, i) => ({
      id: ids[i] as number,
      priority: 1,
      action: {
        type: 'modifyHeaders',
        requestHeaders: [{ header: 'referer', operation: 'set', value }],
      },
      condition: {
        urlFilter: `|${prefixOf(url)}`,
        initiatorDomains: [ownHost()],
        resourceTypes: ['xmlhttprequest', 'other'],
      },
    })),
  });
}

/**
 * The host of the extension's own origin, the initiator of its fetches: the extension id in Chromium, the
 * add-on's internal UUID in Firefox (not its gecko id). Enum constants are written as strings: Firefox has no
 * declarativeNetRequest.RuleActionType and the like.
 */
function ownHost(): string {
  return new URL(browser.runtime.getURL('')).hostname;
}

/** The URL up to its query; urlFilter has no escapes, so it is also cut at its first special character. */
function prefixOf(url: string): string {
  const noQuery = url.split(/[?#]/)[0] ?? url;
  return noQuery.split(/[*^|]/)[0] ?? noQuery;
}

/**
 * Removes every session rule. Session rules outlive the worker but this map does not: a worker that starts
 * (before any job runs again) drops the rules of runs that died with the previous one.
 */
export async function clearRefererRules(): Promise<void> {
  const existing = await browser.declarativeNetRequest.getSessionRules();
  rules.clear();
  if (existing.length === 0) return;
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: existing.map((r) => r.id) });
}

export async function removeRefererRule(key: string): Promise<void> {
  const ids = rules.get(key);
  if (ids === undefined) return;
  rules.delete(key);
  await browser.declarativeNetRequest.updateSessionRules({ removeRuleIds: ids }).catch(() => {});
}
