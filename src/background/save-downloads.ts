import { browser, type Downloads } from '../shared/browser-api';
import type { JobRecord } from '../store/schema';

/**
 * The browser's downloads of the worker's saves (saver.ts), as the saver leaves them: one that will not be the
 * file is cancelled and erased, a complete one short of bytes is deleted from disk. After a worker restart,
 * `sortEarlierSaves` decides what the saves of earlier workers have become.
 */

/** An earlier worker's save that holds the job's whole file. */
export interface EarlierSave {
  downloadId: number;
  url: string;
  /** The browser reported it complete; else it has every byte and only the browser's finish is left. */
  complete: boolean;
}

/**
 * After a worker restart, the browser's downloads of the job's earlier saves (by its recorded download id and
 * save URL). No stream of an earlier worker is alive, so a download still short of bytes never gets them: it
 * is cancelled and erased (one waiting on the user's Save As too: the next save asks again). A download that
 * completed in the meantime counts as complete. With `keep` (the job has every byte), the first download
 * that holds the whole file, complete at exactly the size or with every byte received, is kept and returned;
 * any further one holding it is a copy and deleted. Without, complete ones of the right size are left alone.
 * A complete download of any other size is never left on disk as if it were the file.
 */
export async function sortEarlierSaves(job: JobRecord, keep: boolean): Promise<EarlierSave | null> {
  const size = job.remote?.size ?? null;
  const holdsFile = (item: Downloads.DownloadItem): boolean =>
    size !== null &&
    (item.state === 'complete'
      ? item.fileSize === size
      : item.state === 'in_progress' && item.bytesReceived === size);
  let kept: EarlierSave | null = null;
  for (const found of await earlierSaves(job)) {
    let item = found;
    let cancelled = false;
    if (item.state === 'in_progress' && !(keep && !kept && holdsFile(item))) {
      await browser.downloads.cancel(item.id).catch(() => {});
      cancelled = true;
      // It may have completed just before the cancel: then it is the file, or a file short of bytes.
      item = (await browser.downloads.search({ id: item.id }))[0] ?? found;
    }
    // Once cancelled, only a complete download can still be the file.
    if (keep && !kept && holdsFile(item) && (!cancelled || item.state === 'complete')) {
      kept = { downloadId: item.id, url: item.url, complete: item.state === 'complete' };
    } else if (item.state !== 'complete') await (cancelled ? erase(item.id) : discard(item.id));
    else if (!holdsFile(item) || keep) await removeAndErase(item.id);
  }
  return kept;
}

/** The browser's downloads of the job's saves, each once: by the recorded id, then by the save URL. */
async function earlierSaves(job: JobRecord): Promise<Downloads.DownloadItem[]> {
  const byId = job.state.status === 'completing' ? job.state.downloadId : null;
  const items = [
    ...(byId !== null ? await browser.downloads.search({ id: byId }) : []),
    ...(job.saveUrl ? await browser.downloads.search({ url: job.saveUrl }) : []),
  ];
  return [...new Map(items.map((item) => [item.id, item])).values()];
}

/**
 * Cancels a browser download of ours that will not finish (an interrupted one's partial file goes too), and
 * erases it from the browser's list.
 */
export async function discard(downloadId: number): Promise<void> {
  await browser.downloads.cancel(downloadId).catch(() => {});
  await erase(downloadId);
}

async function erase(downloadId: number): Promise<void> {
  await browser.downloads.erase({ id: downloadId }).catch(() => {});
}

/**
 * Cancels a download that no save of this worker's is following (an earlier worker's, created late) and
 * erases it, unless it completed: a whole file stays where the browser put it.
 */
export async function discardUnfinished(downloadId: number): Promise<void> {
  await browser.downloads.cancel(downloadId).catch(() => {});
  const [item] = await browser.downloads.search({ id: downloadId }).catch(() => []);
  if (item?.state !== 'complete') await erase(downloadId);
}

/** Deletes a finished download's file (not the job's file after all) and its entry in the browser's list. */
export async function removeAndErase(downloadId: number): Promise<void> {
  await browser.downloads.removeFile(downloadId).catch(() => {});
  await erase(downloadId);
}
