import type { Settings } from './settings';
import { ruleForUrl, type SiteRule } from './site-rules';

/**
 * The settings as one download sees them, its site's rule applied (the rule of the link's host, else of where
 * it redirected): 'never' adds the host to the excluded domains, 'always' turns automatic capture on and the
 * threshold to zero for it, and a rule's connections and threshold replace the general ones.
 */
export function settingsForSite(settings: Settings, urls: readonly (string | undefined)[]): Settings {
  const rule = siteRuleFor(settings, urls);
  if (rule === null) return settings;
  const site: Settings = { ...settings };
  if (rule.connections !== null) site.connectionsPerDownload = rule.connections;
  if (rule.thresholdBytes !== null) site.thresholdBytes = rule.thresholdBytes;
  if (rule.mode === 'never') site.excludedDomains = [...settings.excludedDomains, rule.domain];
  if (rule.mode === 'always') {
    site.autoCapture = true;
    site.thresholdBytes = 0;
  }
  return site;
}

/** The first of `urls` (in order) that a rule covers gives the rule. */
export function siteRuleFor(settings: Settings, urls: readonly (string | undefined)[]): SiteRule | null {
  for (const url of urls) {
    const rule = ruleForUrl(url, settings.siteRules);
    if (rule !== null) return rule;
  }
  return null;
}
