import { browser } from '../shared/browser-api';
import { t } from '../shared/i18n';
import { localizePage } from '../shared/i18n-dom';
import type { JobView, Snapshot } from '../shared/job-view';
import { request } from '../shared/messenger';
import { SNAPSHOT_PORT } from '../shared/protocol';
import { wireAddLink } from './add-link';
import { mountAria2List } from './aria2-list';
import { formatSpeed } from './format';
import type { JobAction } from './job-item';
import { JobList } from './job-list';

localizePage();

const list = document.querySelector<HTMLUListElement>('#jobs')!;
const empty = document.querySelector<HTMLParagraphElement>('#empty')!;
const skipped = document.querySelector<HTMLElement>('#skipped')!;
const skippedList = document.querySelector<HTMLUListElement>('#skipped-list')!;
const clearFinished = document.querySelector<HTMLButtonElement>('#clear-finished')!;
const jobs = new JobList(list, (action, job) => void act(action, job));
let finished: JobView[] = [];

/** Jobs that are over: the history "clear finished" removes (a failed job stays, it can be retried). */
function isFinished(job: JobView): boolean {
  const status = job.state.status;
  return status === 'completed' || status === 'cancelled' || status === 'handed-to-browser';
}

function render(snapshot: Snapshot): void {
  jobs.render(snapshot.jobs);
  finished = snapshot.jobs.filter(isFinished);
  clearFinished.hidden = finished.length === 0;
  empty.hidden = snapshot.jobs.length > 0 || snapshot.skipped.length > 0;
  skipped.hidden = snapshot.skipped.length === 0;
  skippedList.replaceChildren(
    ...snapshot.skipped.map((note) => {
      const item = document.createElement('li');
      item.textContent = t('skipped_item', note.url, note.reason);
      return item;
    }),
  );
}

async function act(action: JobAction, job: JobView): Promise<void> {
  try {
    if (action === 'open' || action === 'show') {
      // Called from the click itself: downloads.open needs the user gesture, which a message would lose.
      if (job.state.status !== 'completed') return;
      if (action === 'open') void browser.downloads.open(job.state.downloadId);
      else void browser.downloads.show(job.state.downloadId);
      return;
    }
    await request({ type: `job/${action}`, jobId: job.id });
  } catch (error) {
    console.error(`${action} failed`, error);
  }
}

/** Live snapshots over a Port; the worker may restart, so reconnect when it drops. */
function connect(): void {
  const port = browser.runtime.connect({ name: SNAPSHOT_PORT });
  port.onMessage.addListener((snapshot: unknown) => render(snapshot as Snapshot));
  port.onDisconnect.addListener(() => setTimeout(connect, 500));
}

/** The overall speed limit, live: the worker applies it to running downloads at once. */
const limit = document.querySelector<HTMLSelectElement>('#limit')!;

function showLimit(bytesPerSecond: number): void {
  const value = String(bytesPerSecond);
  if (![...limit.options].some((o) => o.value === value)) {
    limit.add(new Option(t('limit_custom', formatSpeed(bytesPerSecond)), value));
  }
  limit.value = value;
}

limit.addEventListener('change', async () => {
  try {
    const settings = await request({ type: 'settings/get' });
    const saved = await request({
      type: 'settings/set',
      settings: { ...settings, overallLimitBytesPerSecond: Number(limit.value) },
    });
    showLimit(saved.overallLimitBytesPerSecond);
  } catch (error) {
    console.error('setting the speed limit failed', error);
  }
});
request({ type: 'settings/get' }).then(
  (settings) => showLimit(settings.overallLimitBytesPerSecond),
  (error: unknown) => console.error(error),
);

document.querySelector('#options')!.addEventListener('click', () => void browser.runtime.openOptionsPage());
clearFinished.addEventListener('click', async () => {
  for (const job of finished) await act('remove', job);
});
document
  .querySelector('#clear-skipped')!
  .addEventListener('click', () => void request({ type: 'skipped/clear' }));
wireAddLink(document.querySelector<HTMLFormElement>('#add-link')!);
mountAria2List(document.querySelector<HTMLElement>('#aria2-jobs')!);
connect();
