/**
 * User settings: one schema, its defaults, and a validator that turns anything (storage contents, a message
 * payload) into valid settings or says why not. Stored in chrome.storage.local under SETTINGS_KEY; the worker
 * re-reads them on storage.onChanged, so they apply without reloading the extension.
 */
import { t } from './i18n';
import { type SiteRule, validateSiteRules } from './site-rules';

export interface Settings {
  /** Take over browser downloads automatically (otherwise only the context menu accelerates). */
  autoCapture: boolean;
  /** Smallest download (bytes) taken over automatically. */
  thresholdBytes: number;
  /** Parallel connections per download (Chromium allows 6 per host over HTTP/1.1). */
  connectionsPerDownload: number;
  /** Downloads running at once; the rest queue. */
  concurrentDownloads: number;
  /** Host names (and their subdomains) never taken over. */
  excludedDomains: string[];
  /** Per-site rules (always / never accelerate, connections, threshold there); see site-rules.ts. */
  siteRules: SiteRule[];
  /** Speed limit for all downloads together, bytes per second; 0 for none. Applies live. */
  overallLimitBytesPerSecond: number;
  /** Speed limit for each download, bytes per second; 0 for none. Applies live. */
  perDownloadLimitBytesPerSecond: number;
  /** Hand every download the extension would accelerate to aria2 instead (README "Send to aria2"). */
  sendToAria2: boolean;
  /** aria2's JSON-RPC endpoint: http(s) or ws(s), no credentials in it. */
  aria2RpcUrl: string;
  /** aria2's --rpc-secret; kept in storage.local only, sent in RPC bodies only, never logged. */
  aria2Secret: string;
  /** A system notification when a download completes or fails (off unless the user turns it on). */
  notifyOnFinish: boolean;
}

export const SETTINGS_KEY = 'settings';
export const MIB = 1024 * 1024;

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  autoCapture: true,
  thresholdBytes: 16 * MIB,
  connectionsPerDownload: 6,
  concurrentDownloads: 3,
  excludedDomains: [],
  siteRules: [],
  overallLimitBytesPerSecond: 0,
  perDownloadLimitBytesPerSecond: 0,
  sendToAria2: false,
  aria2RpcUrl: 'http://127.0.0.1:6800/jsonrpc',
  aria2Secret: '',
  notifyOnFinish: false,
});

export const LIMITS = {
  connectionsPerDownload: { min: 1, max: 6 },
  concurrentDownloads: { min: 1, max: 10 },
  thresholdBytes: { min: 0, max: 1024 ** 4 },
  limitBytesPerSecond: { min: 0, max: 1024 ** 4 },
} as const;

export type Validated<T> = { ok: true; value: T } | { ok: false; error: string };

function isInteger(value: unknown, limits: { min: number; max: number }): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= limits.min && value <= limits.max;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Lower-cases and trims a domain; null when it is not a host name. */
export function normaliseDomain(raw: string): string | null {
  const domain = raw.trim().toLowerCase().replace(/^\*\./, '').replace(/\.$/, '');
  return DOMAIN.test(domain) ? domain : null;
}

const RPC_URL = /^(https?|wss?):\/\/[^/?#@\s]+(\/[^?#\s]*)?$/i;
const CONTROL = /[\p{Cc}]/u;

/** Why aria2's URL or secret is unusable, or null. The URL's full check is parseRpcUrl's, at call time. */
function validateAria2(url: unknown, secret: unknown): string | null {
  if (typeof url !== 'string' || url.length > 2048 || !RPC_URL.test(url))
    return t('settings_error_aria2_url');
  if (typeof secret !== 'string' || secret.length > 1024 || CONTROL.test(secret))
    return t('settings_error_aria2_secret');
  return null;
}

/** Checks a complete settings object (e.g. from the options page). */
export function validateSettings(input: unknown): Validated<Settings> {
  if (typeof input !== 'object' || input === null)
    return { ok: false, error: t('settings_error_not_object') };
  const s = input as Record<string, unknown>;
  if (typeof s.autoCapture !== 'boolean')
    return { ok: false, error: t('settings_error_switch', 'autoCapture') };
  if (!isInteger(s.thresholdBytes, LIMITS.thresholdBytes))
    return { ok: false, error: t('settings_error_threshold') };
  if (!isInteger(s.connectionsPerDownload, LIMITS.connectionsPerDownload))
    return { ok: false, error: t('settings_error_connections') };
  if (!isInteger(s.concurrentDownloads, LIMITS.concurrentDownloads))
    return { ok: false, error: t('settings_error_concurrent') };
  for (const key of ['overallLimitBytesPerSecond', 'perDownloadLimitBytesPerSecond'] as const) {
    if (!isInteger(s[key], LIMITS.limitBytesPerSecond))
      return { ok: false, error: t('settings_error_limit') };
  }
  if (typeof s.sendToAria2 !== 'boolean')
    return { ok: false, error: t('settings_error_switch', 'sendToAria2') };
  if (typeof s.notifyOnFinish !== 'boolean')
    return { ok: false, error: t('settings_error_switch', 'notifyOnFinish') };
  const aria2 = validateAria2(s.aria2RpcUrl, s.aria2Secret);
  if (aria2 !== null) return { ok: false, error: aria2 };
  if (!Array.isArray(s.excludedDomains) || s.excludedDomains.length > 1000)
    return { ok: false, error: t('settings_error_excluded_list') };
  const siteRules = validateSiteRules(s.siteRules, normaliseDomain, {
    connections: LIMITS.connectionsPerDownload,
    thresholdBytes: LIMITS.thresholdBytes,
  });
  if (!siteRules.ok) return siteRules;
  const excludedDomains: string[] = [];
  for (const raw of s.excludedDomains) {
    const domain = typeof raw === 'string' ? normaliseDomain(raw) : null;
    if (domain === null)
      return { ok: false, error: t('settings_error_not_domain', String(raw).slice(0, 80)) };
    if (!excludedDomains.includes(domain)) excludedDomains.push(domain);
  }
  return {
    ok: true,
    value: {
      autoCapture: s.autoCapture,
      thresholdBytes: s.thresholdBytes,
      connectionsPerDownload: s.connectionsPerDownload,
      concurrentDownloads: s.concurrentDownloads,
      excludedDomains,
      siteRules: siteRules.value,
      overallLimitBytesPerSecond: s.overallLimitBytesPerSecond as number,
      perDownloadLimitBytesPerSecond: s.perDownloadLimitBytesPerSecond as number,
      sendToAria2: s.sendToAria2,
      aria2RpcUrl: s.aria2RpcUrl as string,
      aria2Secret: s.aria2Secret as string,
      notifyOnFinish: s.notifyOnFinish,
    },
  };
}

/** Reads stored settings, keeping every valid field and defaulting the rest (storage may be old or edited). */
export function settingsFromStorage(stored: unknown): Settings {
  const merged: Settings = {
    ...DEFAULT_SETTINGS,
    excludedDomains: [...DEFAULT_SETTINGS.excludedDomains],
    siteRules: [...DEFAULT_SETTINGS.siteRules],
  };
  if (typeof stored !== 'object' || stored === null) return merged;
  for (const key of Object.keys(merged) as (keyof Settings)[]) {
    const candidate = { ...merged, [key]: (stored as Record<string, unknown>)[key] };
    const checked = validateSettings(candidate);
    if (checked.ok) Object.assign(merged, { [key]: checked.value[key] });
  }
  return merged;
}

/** True when `hostname` is one of `domains` or a subdomain of one. */
export function isExcluded(hostname: string, domains: readonly string[]): boolean {
  const host = hostname.toLowerCase();
  return domains.some((d) => host === d || host.endsWith(`.${d}`));
}
