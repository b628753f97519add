import { browser } from '../shared/browser-api';
import { errorText } from '../shared/error-text';
import { t } from '../shared/i18n';
import type { JobView } from '../shared/job-view';

/**
 * System notifications when a download completes or fails, if the user turned them on (settings'
 * notifyOnFinish; off by default). Jobs are compared with the previous snapshot's: only a change seen while
 * the worker runs notifies; the worker's first look only records, so a restarted worker does not repeat old news.
 */
export interface NotifyApi {
  show(id: string, title: string, message: string): Promise<void>;
}

export interface Notice {
  id: string;
  title: string;
  message: string;
}

type Status = JobView['state']['status'];

/**
 * The notices for jobs that reached completed or failed since `before` (job id → status) was seen, including jobs
 * added and finished between the two looks (a small file can take less than the badge's one-second interval).
 */
export function noticesFor(before: ReadonlyMap<string, Status>, jobs: readonly JobView[]): Notice[] {
  const notices: Notice[] = [];
  for (const job of jobs) {
    if (before.get(job.id) === job.state.status) continue;
    if (job.state.status === 'completed')
      notices.push({ id: `done-${job.id}`, title: t('notify_completed_title'), message: job.filename });
    else if (job.state.status === 'failed')
      notices.push({
        id: `failed-${job.id}`,
        title: t('notify_failed_title'),
        message: t('notify_failed_message', job.filename, errorText(job.state.error)),
      });
  }
  return notices;
}

const chromeApi: NotifyApi = {
  async show(id, title, message) {
    await browser.notifications.create(id, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('icons/icon-128.png'),
      title,
      message,
    });
  },
};

export class Notifier {
  private seen: Map<string, Status> | null = null;

  constructor(
    private readonly enabled: () => Promise<boolean>,
    private readonly api: NotifyApi = chromeApi,
  ) {}

  observe(jobs: readonly JobView[]): void {
    const before = this.seen;
    this.seen = new Map(jobs.map((job) => [job.id, job.state.status]));
    if (before === null) return;
    const notices = noticesFor(before, jobs);
    if (notices.length === 0) return;
    void this.enabled().then(
      async (on) => {
        if (!on) return;
        for (const n of notices) await this.api.show(n.id, n.title, n.message).catch(() => {});
      },
      () => {},
    );
  }
}
