/**
 * The browser's downloads the worker holds paused while it decides whether to take them over (take-over.ts).
 * Kept in session storage: a worker stopped in that moment resumes them when it starts again, so a browser
 * download is never left paused by a decision that died with the worker.
 */
import { browser } from '../shared/browser-api';
import { chosenName } from './chosen-name';
import type { HeldDownload } from './take-over';

const KEY = 'held';
/** How long the browser may take to name a held download ("Ask where to save" waits on the user). */
const NAME_TIMEOUT_MS = 120_000;

async function list(): Promise<number[]> {
  const stored = await browser.storage.session.get(KEY);
  const ids = stored[KEY];
  return Array.isArray(ids) ? ids.filter((id): id is number => typeof id === 'number') : [];
}

let writing: Promise<void> = Promise.resolve();
/** One read-modify-write at a time, so two decisions at once do not drop each other's id. */
function update(change: (ids: number[]) => number[]): Promise<void> {
  writing = writing.then(async () => {
    await browser.storage.session.set({ [KEY]: change(await list()) });
  });
  return writing.catch(() => {});
}

/** browser.downloads, for the take-over: every held download is remembered until it is let go. */
export const heldDownloads: HeldDownload = {
  async pause(id) {
    await browser.downloads.pause(id);
    void hold(id);
  },
  async resume(id) {
    await browser.downloads.resume(id).catch(() => {});
    await release(id);
  },
  async cancelAndErase(id) {
    await browser.downloads.cancel(id).catch(() => {});
    await browser.downloads.erase({ id }).catch(() => {});
    await release(id);
  },
  chosenName: (id) => chosenName(id, NAME_TIMEOUT_MS),
};

function hold(id: number): Promise<void> {
  return update((ids) => [...ids.filter((x) => x !== id), id]);
}

function release(id: number): Promise<void> {
  return update((ids) => ids.filter((x) => x !== id));
}

/** After a (re)start: resumes every held download the browser still has paused, and forgets them all. */
export async function resumeHeld(): Promise<void> {
  for (const id of await list()) {
    const [item] = await browser.downloads.search({ id }).catch(() => []);
    if (item?.paused && item.state === 'in_progress') await browser.downloads.resume(id).catch(() => {});
  }
  await update(() => []);
}
