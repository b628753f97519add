/**
 * The worker's fetch never sends Referer, and fetch({referrer}) is dropped (docs/platform.md fact 7). Servers
 * that check it get one through a declarativeNetRequest session rule, limited to requests this extension
 * makes to the job's URL, and removed when the job stops.
 */
const rules = new Map<string, number>();

export async function addRefererRule(jobId: string, url: string, referrer: string | null): Promise<void> {
  if (!referrer || !/^https?:/.test(referrer) || rules.has(jobId)) return;
  const existing = await chrome.declarativeNetRequest.getSessionRules();
  const id = Math.max(0, ...existing.map((r) => r.id), ...rules.values()) + 1;
  rules.set(jobId, id);
  // urlFilter has no escapes: cut the URL at its first special character and match it as a prefix.
  const prefix = url.split(/[*^|]/)[0] ?? url;
  await chrome.declarativeNetRequest.updateSessionRules({
    addRules: [
      {
        id,
        priority: 1,
        action: {
          type: chrome.declarativeNetRequest.RuleActionType.MODIFY_HEADERS,
          requestHeaders: [
            {
              header: 'referer',
              operation: chrome.declarativeNetRequest.HeaderOperation.SET,
              value: referrer,
            },
          ],
        },
        condition: {
          urlFilter: `|${prefix}`,
          initiatorDomains: [chrome.runtime.id],
          resourceTypes: [
            chrome.declarativeNetRequest.ResourceType.XMLHTTPREQUEST,
            chrome.declarativeNetRequest.ResourceType.OTHER,
          ],
        },
      },
    ],
  });
}

/**
 * Removes every session rule. Session rules outlive the worker but this map does not: a worker that starts
 * (before any job runs again) drops the rules of runs that died with the previous one.
 */
export async function clearRefererRules(): Promise<void> {
  const existing = await chrome.declarativeNetRequest.getSessionRules();
  rules.clear();
  if (existing.length === 0) return;
  await chrome.declarativeNetRequest.updateSessionRules({ removeRuleIds: existing.map((r) => r.id) });
}

export async function removeRefererRule(jobId: string): Promise<void> {
  const id = rules.get(jobId);
  if (id === undefined) return;
  rules.delete(jobId);
  await chrome.declarativeNetRequest.updateSessionRules({ removeRuleIds: [id] }).catch(() => {});
}
