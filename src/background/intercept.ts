import { isExcluded, type Settings } from '../shared/settings';

/** The fields of a chrome.downloads.DownloadItem the decision needs. */
export interface CreatedDownload {
  url: string;
  finalUrl?: string | undefined;
  byExtensionId?: string | undefined;
  incognito: boolean;
  totalBytes: number;
  fileSize?: number | undefined;
}

export type Decision =
  | { take: true; url: string; sizeBytes: number }
  /** `reason` is shown in the popup; null for downloads that are none of our business (ours, blob:, data:). */
  | { take: false; reason: string | null };

/** Whether downloads.onCreated should cancel a browser download and run it through the engine instead. */
export function decide(item: CreatedDownload, settings: Settings, runtimeId: string): Decision {
  if (item.byExtensionId === runtimeId) return { take: false, reason: null };
  const url = parseHttp(item.finalUrl) ?? parseHttp(item.url);
  if (!url) return { take: false, reason: null };
  if (!settings.autoCapture) return { take: false, reason: null };
  if (item.incognito) return { take: false, reason: 'incognito downloads are left to the browser' };
  if (isExcluded(url.hostname, settings.excludedDomains))
    return { take: false, reason: `${url.hostname} is an excluded domain` };
  const size = item.totalBytes > 0 ? item.totalBytes : (item.fileSize ?? 0);
  if (size <= 0) return { take: false, reason: 'the server did not say how large the file is' };
  if (size < settings.thresholdBytes) return { take: false, reason: null };
  return { take: true, url: url.href, sizeBytes: size };
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

/** A name to show before the probe finds the real one. */
export function nameFromUrl(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).at(-1);
    return last ? decodeURIComponent(last) : new URL(url).hostname;
  } catch {
    return 'download';
  }
}
