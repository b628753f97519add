import { filenameFromUrl, sanitizeFilename } from '../engine/filename';
import { t } from '../shared/i18n';
import { isExcluded, type Settings } from '../shared/settings';
import { isExecutableOverHttp } from './executables';

/** The fields of a chrome.downloads.DownloadItem the decision needs. */
export interface CreatedDownload {
  url: string;
  finalUrl?: string | undefined;
  byExtensionId?: string | undefined;
  incognito: boolean;
  totalBytes: number;
  fileSize?: number | undefined;
  referrer?: string | undefined;
}

export type Decision =
  /** `url` is the URL the browser resolved (after redirects), `originalUrl` the one it was asked for. */
  | { take: true; url: string; originalUrl: string; sizeBytes: number }
  /** `reason` is shown in the popup; null for downloads that are none of our business (ours, blob:, data:). */
  | { take: false; reason: string | null };

/**
 * Whether downloads.onCreated should try to take a browser download over (take-over.ts then probes whether
 * the extension can fetch the same file). Left alone without a word: other extensions' downloads, non-http
 * URLs, small files, and incognito downloads (the extension is not allowed there; were it ever, nothing of them
 * may be stored in the regular profile, not even a note).
 */
export function decide(item: CreatedDownload, settings: Settings): Decision {
  // Ours (a job handed back) or another extension's: that extension's business.
  if (item.byExtensionId) return { take: false, reason: null };
  if (item.incognito) return { take: false, reason: null };
  const original = parseHttp(item.url);
  const url = parseHttp(item.finalUrl) ?? original;
  if (!url || !original) return { take: false, reason: null };
  if (!settings.autoCapture) return { take: false, reason: null };
  for (const u of [original, url]) {
    if (isExcluded(u.hostname, settings.excludedDomains))
      return { take: false, reason: t('reason_excluded_domain', u.hostname) };
  }
  const size = item.totalBytes > 0 ? item.totalBytes : (item.fileSize ?? 0);
  if (size <= 0) return { take: false, reason: t('reason_size_unknown') };
  if (size < settings.thresholdBytes) return { take: false, reason: null };
  if (isExecutableOverHttp(nameFromUrl(url.href), [url.href, original.href, item.referrer]))
    return {
      take: false,
      reason: t('reason_program_over_http'),
    };
  return { take: true, url: url.href, originalUrl: original.href, sizeBytes: size };
}

/** A URL the extension may request for a job: http(s), and not of an excluded domain. */
export function allowsUrl(raw: string, settings: Settings): boolean {
  const url = parseHttp(raw);
  return url !== null && !isExcluded(url.hostname, settings.excludedDomains);
}

function parseHttp(raw: string | undefined): URL | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** A name to show before the browser or the probe find the real one, made safe as the final one is. */
export function nameFromUrl(url: string): string {
  let host = 'download';
  try {
    host = new URL(url).hostname;
  } catch {}
  return sanitizeFilename(filenameFromUrl(url) ?? '', host);
}
