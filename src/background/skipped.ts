import { browser } from '../shared/browser-api';
import type { SkipNote } from '../shared/job-view';

/** The last few downloads left to the browser, with why; session storage, so they vanish with the browser. */
const KEY = 'skipped';
const KEEP = 5;

export async function listSkipped(): Promise<SkipNote[]> {
  const stored = await browser.storage.session.get(KEY);
  const notes = stored[KEY];
  return Array.isArray(notes) ? (notes as SkipNote[]) : [];
}

export async function addSkipped(note: SkipNote): Promise<void> {
  const notes = await listSkipped();
  await browser.storage.session.set({ [KEY]: [note, ...notes].slice(0, KEEP) });
}

export async function clearSkipped(): Promise<void> {
  await browser.storage.session.remove(KEY);
}
