/**
 * Per-site rules of the options page: for a host name and its subdomains, always or never accelerate, and the
 * connections and size threshold to use there. The most specific rule wins (`dl.example.com` over
 * `example.com`). Rules change the settings one download sees (site-settings.ts), so every decision that reads
 * settings (the take-over, the job's connections) follows them, live as the settings are.
 */

import { t } from './i18n';

/** The shape of settings.ts's Validated (not imported: settings.ts imports this file). */
type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

export type SiteMode = 'auto' | 'always' | 'never';

export interface SiteRule {
  /** A host name, lower-case; its subdomains are included. */
  domain: string;
  /** 'always': taken over whatever the size threshold or automatic capture; 'never': left to the browser. */
  mode: SiteMode;
  /** Connections per download there (1-6), or null for the general setting. */
  connections: number | null;
  /** Smallest download taken over there, or null for the general threshold. */
  thresholdBytes: number | null;
}

export const MAX_SITE_RULES = 500;
const MODES: readonly SiteMode[] = ['auto', 'always', 'never'];

/** The rule for `hostname`: the one of the longest domain that is the host or a parent of it. */
export function ruleFor(hostname: string, rules: readonly SiteRule[]): SiteRule | null {
  const host = hostname.toLowerCase();
  let best: SiteRule | null = null;
  for (const rule of rules) {
    const matches = host === rule.domain || host.endsWith(`.${rule.domain}`);
    if (matches && (best === null || rule.domain.length > best.domain.length)) best = rule;
  }
  return best;
}

/** The rule for a URL's host; null for no rule or no URL. */
export function ruleForUrl(url: string | undefined, rules: readonly SiteRule[]): SiteRule | null {
  if (!url) return null;
  try {
    return ruleFor(new URL(url).hostname, rules);
  } catch {
    return null;
  }
}

/** Checks one list of rules from storage or the options page; `normalise` checks and lower-cases a domain. */
export function validateSiteRules(
  input: unknown,
  normalise: (raw: string) => string | null,
  limits: { connections: { min: number; max: number }; thresholdBytes: { min: number; max: number } },
): Checked<SiteRule[]> {
  if (!Array.isArray(input) || input.length > MAX_SITE_RULES)
    return { ok: false, error: t('settings_error_rules', MAX_SITE_RULES) };
  const rules: SiteRule[] = [];
  for (const raw of input) {
    const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const domain = typeof r.domain === 'string' ? normalise(r.domain) : null;
    if (domain === null)
      return { ok: false, error: t('settings_error_rule_domain', String(r.domain).slice(0, 80)) };
    if (!MODES.includes(r.mode as SiteMode))
      return { ok: false, error: t('settings_error_rule_mode', domain) };
    if (!nullOrInteger(r.connections, limits.connections))
      return { ok: false, error: t('settings_error_rule_connections', domain) };
    if (!nullOrInteger(r.thresholdBytes, limits.thresholdBytes))
      return {
        ok: false,
        error: t('settings_error_rule_threshold', domain),
      };
    if (rules.some((rule) => rule.domain === domain))
      return { ok: false, error: t('settings_error_rule_twice', domain) };
    rules.push({
      domain,
      mode: r.mode as SiteMode,
      connections: r.connections as number | null,
      thresholdBytes: r.thresholdBytes as number | null,
    });
  }
  return { ok: true, value: rules };
}

function nullOrInteger(value: unknown, limits: { min: number; max: number }): boolean {
  return (
    value === null ||
    (typeof value === 'number' && Number.isInteger(value) && value >= limits.min && value <= limits.max)
  );
}
