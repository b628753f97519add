import type { Settings } from '../shared/settings';
import { settingsForSite, siteRuleFor } from '../shared/site-settings';
import type { JobId } from '../store/schema';
import type { Aria2Link, SendResult } from './aria2/send';
import { type BrowserFile, fastAlone, limitHolds, type Match } from './browser-match';
import type { ResponseValidators } from './browser-responses';
import type { ChosenName } from './chosen-name';
import { type CreatedDownload, decide, nameFromUrl } from './intercept';
import type { NewJob } from './job-records';
import { isOwnDownload } from './own-downloads';
import { addSkipped } from './skipped';

/** The fields of a downloads.onCreated item the take-over needs. */
export interface NewBrowserDownload extends CreatedDownload {
  id: number;
  mime?: string | undefined;
}

/** The browser's download, as the take-over drives it (chrome.downloads in the worker, fakes in tests). */
export interface HeldDownload {
  /** Holds it at 0 bytes (docs/platform.md fact 14); remembered, so a restarted worker resumes it. */
  pause(id: number): Promise<void>;
  /** Lets it continue, the same response: the browser does the download. */
  resume(id: number): Promise<void>;
  /** Stops it and takes it off the list: the extension does the download. */
  cancelAndErase(id: number): Promise<void>;
  chosenName(id: number): Promise<ChosenName>;
}

export interface TakeOverDeps {
  settings: () => Promise<Settings>;
  browser: HeldDownload;
  /**
   * Whether the extension gets the same file from `file.url` (browser-match.ts), Referer as the page's; `time`:
   * and how fast one connection brings it.
   */
  probe: (file: BrowserFile, pageUrl: string | null, time: boolean) => Promise<Match>;
  /** The ETag and Last-Modified of the browser's own response from a URL, if webRequest reported them. */
  validators: (url: string) => ResponseValidators | null;
  /** A job paused on an expired link, of this link and size, continues from its pieces (true), or none. */
  adopt: (job: { url: string; originalUrl: string; sizeBytes: number }) => Promise<boolean>;
  /** Queues the job that replaces the browser's download. */
  add: (job: NewJob) => Promise<JobId>;
  /** The browser chose the name: the job saves under it. */
  rename: (id: JobId, name: string) => Promise<void>;
  /** The browser's download ended before it was named (the user cancelled "Save as"): so does the job. */
  cancel: (id: JobId) => Promise<void>;
  /** A download was left to the browser with a reason the popup shows. */
  onSkipped: () => void;
  /** Hands the download to aria2 (settings.sendToAria2): ok once aria2 returned a GID. */
  aria2?: (link: Aria2Link, settings: Settings) => Promise<SendResult>;
}

/**
 * downloads.onCreated for a download that is not one of the worker's saves. If intercept.ts says it is worth
 * taking, the browser's download is paused at once, and the probe decides: the same file (a 206 from the
 * resolved URL, of the browser's size and type) is taken over (its job queued, named as the browser names
 * it, and the browser's download cancelled and erased); anything else resumes the browser's download, which
 * continues its own response untouched, and the popup says why. A POST, a single-use link or a site that
 * answers ranged requests with something else therefore still completes, in the browser; and a site whose one
 * connection already outruns the extension's own path (the probe times it) is left to the browser as well,
 * the faster way (README "Benchmarks", the unthrottled rows).
 */
export async function takeOver(item: NewBrowserDownload, deps: TakeOverDeps): Promise<void> {
  if (isOwnDownload(item.url, item.finalUrl)) return;
  // The site's rule (options page) gives this download its threshold, connections, always or never.
  const general = await deps.settings();
  const settings = settingsForSite(general, [item.url, item.finalUrl]);
  const decision = decide(item, settings);
  if (!decision.take) {
    if (decision.reason) await skip(item, decision.reason, deps);
    return;
  }
  const { browser: held } = deps;
  try {
    await held.pause(item.id);
  } catch {
    return; // already finished or gone: nothing to take over
  }
  const file = {
    url: decision.url,
    sizeBytes: decision.sizeBytes,
    mime: item.mime,
    validators: deps.validators(decision.url),
  };
  // Under a speed limit of the user's only the extension can keep, or a site rule "always", even a fast site
  // is taken over.
  const limited =
    limitHolds([settings.overallLimitBytesPerSecond, settings.perDownloadLimitBytesPerSecond]) ||
    siteRuleFor(general, [item.url, item.finalUrl])?.mode === 'always';
  const toAria2 = settings.sendToAria2 && deps.aria2 ? deps.aria2 : null;
  const match = await deps.probe(file, item.referrer || null, !limited && !toAria2);
  if (!match.same) return leave(item, match.reason, deps);
  // aria2 fetches it elsewhere, however fast the site; the browser's download is cancelled only on a GID.
  if (toAria2) {
    const name = await held.chosenName(item.id);
    if (name.kind === 'ended') return;
    const filename = name.kind === 'named' ? name.name : nameFromUrl(decision.url);
    const sent = await toAria2({ url: decision.url, filename, referrer: item.referrer || null }, settings);
    return sent.ok ? held.cancelAndErase(item.id) : leave(item, sent.reason, deps);
  }
  const job = { url: decision.url, originalUrl: decision.originalUrl, sizeBytes: decision.sizeBytes };
  // A job holding pieces of this file goes on from them, however fast the site.
  if (await deps.adopt(job)) return held.cancelAndErase(item.id);
  const fast = fastAlone(match);
  if (fast !== null) return leave(item, fast, deps);
  const id = await deps.add({
    ...job,
    referrer: item.referrer || null,
    origin: 'auto',
    filename: nameFromUrl(decision.url),
    ...(match.bytesPerSecond ? { probedBytesPerSecond: match.bytesPerSecond } : {}),
  });
  const name = await held.chosenName(item.id);
  if (name.kind === 'ended') return deps.cancel(id);
  if (name.kind === 'named') await deps.rename(id, name.name);
  await held.cancelAndErase(item.id);
}

/** The browser's download goes on, its own response: the browser does the download. */
async function leave(item: NewBrowserDownload, reason: string, deps: TakeOverDeps): Promise<void> {
  await deps.browser.resume(item.id);
  return skip(item, reason, deps);
}

async function skip(item: NewBrowserDownload, reason: string, deps: TakeOverDeps): Promise<void> {
  await addSkipped({ url: item.finalUrl || item.url, reason, at: Date.now() });
  deps.onSkipped();
}
