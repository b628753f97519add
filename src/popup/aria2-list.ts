import { Aria2Client, type Aria2Status } from '../background/aria2/client';
import { listSentJobs, removeSentJob, SENT_JOBS_KEY, type SentJob } from '../background/aria2/sent-jobs';
import { browser } from '../shared/browser-api';
import { formatBytes } from '../shared/format-bytes';
import { t } from '../shared/i18n';
import { request } from '../shared/messenger';
import type { Settings } from '../shared/settings';
import { formatSpeed, percent } from './format';

/**
 * The popup's list of downloads handed to aria2, with their progress from aria2.tellStatus: one round of calls
 * at most once a second, only while the popup is open and visible (the timer dies with the popup), and
 * pause / resume / remove through RPC.
 */
const POLL_MS = 1000;

type Row = { job: SentJob; status: Aria2Status | null; error: string | null };

export function mountAria2List(section: HTMLElement): void {
  const list = document.createElement('ul');
  const heading = document.createElement('h2');
  heading.textContent = t('aria2_heading');
  section.replaceChildren(heading, list);
  section.hidden = true;
  let settings: Settings | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  // Each job is asked of the aria2 that accepted it, with the secret of the settings.
  const client = (job: SentJob) => new Aria2Client({ rpcUrl: job.rpcUrl, secret: settings!.aria2Secret });

  const round = async () => {
    timer = null;
    const jobs = await listSentJobs();
    section.hidden = jobs.length === 0;
    if (jobs.length > 0 && settings) {
      const rows = await Promise.all(
        jobs.map(async (job): Promise<Row> => {
          try {
            return { job, status: await client(job).tellStatus(job.gid), error: null };
          } catch (error) {
            return { job, status: null, error: error instanceof Error ? error.message : String(error) };
          }
        }),
      );
      list.replaceChildren(...rows.map((row) => renderRow(row, act)));
    }
    if (!document.hidden) timer = setTimeout(round, POLL_MS);
  };

  const act = async (action: 'pause' | 'resume' | 'remove', row: Row) => {
    const rpc = client(row.job);
    const gid = row.job.gid;
    try {
      if (action === 'pause') await rpc.pause(gid);
      else if (action === 'resume') await rpc.unpause(gid);
      else {
        const held = row.status && ['active', 'waiting', 'paused'].includes(row.status.status);
        if (held) await rpc.remove(gid);
        // A stopped download's result is forgotten too; one aria2 no longer knows is just dropped.
        await rpc.removeDownloadResult(gid).catch(() => {});
        await removeSentJob(gid);
      }
    } catch (error) {
      console.error(`aria2 ${action} failed`, error instanceof Error ? error.message : error);
    }
    restart();
  };

  const restart = () => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(round, 0);
  };

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && timer === null) restart();
  });
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes[SENT_JOBS_KEY]) restart();
  });
  request({ type: 'settings/get' }).then(
    (loaded) => {
      settings = loaded;
      restart();
    },
    (error: unknown) => console.error(error),
  );
}

function renderRow(row: Row, act: (action: 'pause' | 'resume' | 'remove', row: Row) => void): HTMLLIElement {
  const item = document.createElement('li');
  item.className = 'aria2-job';
  item.dataset.gid = row.job.gid;
  const name = document.createElement('div');
  name.className = 'name';
  name.textContent = row.job.filename;
  const line = document.createElement('div');
  line.className = 'stats';
  item.append(name);
  const s = row.status;
  if (s) {
    const total = Number(s.totalLength) || null;
    const done = Number(s.completedLength);
    const bar = document.createElement('progress');
    bar.max = total ?? 1;
    bar.value = total ? done : 0;
    bar.setAttribute('aria-label', t('job_progress_label', row.job.filename));
    item.append(bar);
    const shown = percent(done, total);
    line.textContent = [
      statusLabel(s.status),
      total ? t('stats_done_of_total', formatBytes(done), formatBytes(total)) : formatBytes(done),
      shown === null ? null : t('stats_percent', shown),
      s.status === 'active' ? formatSpeed(Number(s.downloadSpeed)) : null,
      s.status === 'error' ? (s.errorMessage ?? null) : null,
    ]
      .filter(Boolean)
      .join(' · ');
  } else {
    line.textContent = row.error ?? '';
    line.classList.add('error');
  }
  item.append(line);
  const actions: ('pause' | 'resume' | 'remove')[] =
    s?.status === 'active' || s?.status === 'waiting'
      ? ['pause', 'remove']
      : s?.status === 'paused'
        ? ['resume', 'remove']
        : ['remove'];
  const buttons = document.createElement('div');
  buttons.className = 'actions';
  for (const action of actions) {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.action = action;
    const label = actionLabel(action);
    button.textContent = label;
    button.setAttribute('aria-label', t('job_action_label', label, row.job.filename));
    button.addEventListener('click', () => act(action, row));
    buttons.append(button);
  }
  item.append(buttons);
  return item;
}

function actionLabel(action: 'pause' | 'resume' | 'remove'): string {
  if (action === 'pause') return t('job_action_pause');
  return action === 'resume' ? t('job_action_resume') : t('job_action_remove');
}

function statusLabel(status: Aria2Status['status']): string {
  switch (status) {
    case 'active':
      return t('state_running');
    case 'waiting':
      return t('state_queued');
    case 'paused':
      return t('state_paused');
    case 'complete':
      return t('state_completed');
    case 'error':
      return t('state_failed');
    case 'removed':
      return t('state_cancelled');
    default: {
      const _exhaustive: never = status;
      return _exhaustive;
    }
  }
}
