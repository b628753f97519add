import type { Settings } from '../shared/settings';
import { type CreatedDownload, decide, nameFromUrl } from './intercept';
import type { NewJob } from './job-records';
import { isOwnDownload } from './own-downloads';
import { addSkipped } from './skipped';

/** The fields of a downloads.onCreated item the take-over needs. */
export interface NewBrowserDownload extends CreatedDownload {
  id: number;
  referrer?: string | undefined;
}

export interface TakeOverDeps {
  settings: () => Promise<Settings>;
  /** Queues the job that replaces the browser's download. */
  add: (job: NewJob) => Promise<unknown>;
  /** A download was left to the browser with a reason the popup shows. */
  onSkipped: () => void;
}

/**
 * downloads.onCreated for a download that is not one of the worker's saves: whether the extension takes it
 * over (intercept.ts decides), and if so, the browser's download is cancelled and erased and a job queued in
 * its place. Downloads the extension started itself (a job handed back) are never taken again; one left to
 * the browser for a reason the user should know is noted for the popup.
 */
export async function takeOver(item: NewBrowserDownload, deps: TakeOverDeps): Promise<void> {
  if (isOwnDownload(item.url, item.finalUrl)) return;
  const decision = decide(item, await deps.settings(), chrome.runtime.id);
  if (!decision.take) {
    if (decision.reason) {
      await addSkipped({ url: item.finalUrl || item.url, reason: decision.reason, at: Date.now() });
      deps.onSkipped();
    }
    return;
  }
  // Cancelled inside the listener, the browser's transfer stops before bytes land (docs/platform.md fact 6).
  // Erasing it from the list need not hold up the start.
  await chrome.downloads.cancel(item.id);
  const erased = chrome.downloads.erase({ id: item.id });
  await deps.add({
    url: decision.url,
    referrer: item.referrer || null,
    origin: 'auto',
    filename: nameFromUrl(decision.url),
    sizeBytes: decision.sizeBytes,
  });
  await erased;
}
