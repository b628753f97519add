import type { ChosenName } from '../background/chosen-name';
import type { HeldDownload } from '../background/take-over';
import { browser } from '../shared/browser-api';

/**
 * Firefox's take-over of the browser's download, without a pause: pausing inside downloads.onCreated leaves
 * a Firefox download interrupted and not resumable (docs/platform.md, Firefox), so the download the user
 * started goes on while the probe decides. Left to the browser, nothing happened to it; taken over, it is
 * cancelled (Firefox deletes its partial file) and erased only then, once the probe has shown that the
 * extension gets the same file. Firefox has chosen the file's name before onCreated: the job takes it. A
 * download the browser finished while the probe ran counts as ended: the job is cancelled, the file stays.
 */
export const runningDownloads: HeldDownload = {
  async pause(id) {
    const [item] = await browser.downloads.search({ id });
    if (item?.state !== 'in_progress') throw new Error('the download is no longer in progress');
  },
  async resume() {},
  async cancelAndErase(id) {
    await browser.downloads.cancel(id).catch(() => {});
    await browser.downloads.erase({ id }).catch(() => {});
  },
  async chosenName(id): Promise<ChosenName> {
    const [item] = await browser.downloads.search({ id }).catch(() => []);
    // Finished (or failed) while the probe ran: the browser's download stands, the job is not wanted.
    if (item?.state !== 'in_progress') return { kind: 'ended' };
    const name = item.filename.split(/[/\\]/).filter(Boolean).at(-1);
    return name ? { kind: 'named', name } : { kind: 'unnamed' };
  },
};
