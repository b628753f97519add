import { browser } from '../shared/browser-api';

/**
 * Each job's own speed limit, set from the popup (bytes per second; 0: none), by job id, in session storage so
 * a restarted worker keeps it; a job without one follows the settings' per-download limit.
 */
const KEY = 'jobLimits';

export async function listJobLimits(): Promise<Record<string, number>> {
  const stored = (await browser.storage.session.get(KEY))[KEY];
  return typeof stored === 'object' && stored !== null ? (stored as Record<string, number>) : {};
}

/** Sets (or, with null, drops) a job's own limit. */
export async function storeJobLimit(jobId: string, bytesPerSecond: number | null): Promise<void> {
  const limits = await listJobLimits();
  if (bytesPerSecond === null) delete limits[jobId];
  else limits[jobId] = bytesPerSecond;
  await browser.storage.session.set({ [KEY]: limits });
}
