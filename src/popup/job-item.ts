import { formatBytes } from '../shared/format-bytes';
import { t } from '../shared/i18n';
import type { JobView } from '../shared/job-view';
import { formatDuration, formatSpeed, percent } from './format';

export type JobAction = 'pause' | 'resume' | 'cancel' | 'retry' | 'remove' | 'open' | 'show';

function stateLabel(status: JobView['state']['status']): string {
  switch (status) {
    case 'queued':
      return t('state_queued');
    case 'running':
      return t('state_running');
    case 'paused':
      return t('state_paused');
    case 'completing':
      return t('state_completing');
    case 'completed':
      return t('state_completed');
    case 'failed':
      return t('state_failed');
    case 'cancelled':
      return t('state_cancelled');
    case 'handed-to-browser':
      return t('state_handed_to_browser');
    default: {
      const _exhaustive: never = status;
      return _exhaustive;
    }
  }
}

function actionsFor(job: JobView): JobAction[] {
  switch (job.state.status) {
    case 'queued':
    case 'running':
      return ['pause', 'cancel'];
    case 'paused':
      return ['resume', 'cancel'];
    case 'completing':
      return ['cancel'];
    case 'completed':
      return ['open', 'show', 'remove'];
    case 'failed':
      return ['retry', 'cancel'];
    case 'cancelled':
    case 'handed-to-browser':
      return ['remove'];
    default: {
      const _exhaustive: never = job.state;
      return _exhaustive;
    }
  }
}

function actionLabel(action: JobAction): string {
  switch (action) {
    case 'pause':
      return t('job_action_pause');
    case 'resume':
      return t('job_action_resume');
    case 'cancel':
      return t('job_action_cancel');
    case 'retry':
      return t('job_action_retry');
    case 'remove':
      return t('job_action_remove');
    case 'open':
      return t('job_action_open');
    case 'show':
      return t('job_action_show');
    default: {
      const _exhaustive: never = action;
      return _exhaustive;
    }
  }
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = '',
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

export function statsLine(job: JobView): string {
  const pct = percent(job.doneBytes, job.sizeBytes);
  const parts = [
    job.sizeBytes === null
      ? formatBytes(job.doneBytes)
      : t('stats_done_of_total', formatBytes(job.doneBytes), formatBytes(job.sizeBytes)),
  ];
  if (pct !== null) parts.push(t('stats_percent', pct));
  if (job.state.status === 'running') {
    parts.push(formatSpeed(job.speedBytesPerSecond));
    if (job.etaMs !== null) parts.push(t('stats_time_left', formatDuration(job.etaMs)));
    parts.push(job.connections === 1 ? t('stats_connections_one') : t('stats_connections', job.connections));
  }
  return parts.join(' · ');
}

function noteFor(job: JobView): string | null {
  if (job.state.status === 'failed') return job.state.error.message;
  if (job.state.status === 'handed-to-browser') return t('note_handed_to_browser', job.state.reason);
  return job.note;
}

/** One job as a list item; text only (names and URLs come from the network, never parsed as HTML). */
export function renderJob(job: JobView, onAction: (action: JobAction, job: JobView) => void): HTMLLIElement {
  const item = el('li', 'job');
  item.dataset.jobId = job.id;
  item.dataset.state = job.state.status;
  const top = el('div', 'top');
  const name = el('span', 'name', job.filename);
  name.title = job.url;
  top.append(name, el('span', `state ${job.state.status}`, stateLabel(job.state.status)));
  const bar = el('progress', 'bar');
  bar.max = 100;
  bar.setAttribute('aria-label', t('job_progress_label', job.filename));
  const pct = percent(job.doneBytes, job.sizeBytes);
  if (pct !== null) bar.value = pct;
  item.append(top, bar, el('div', 'stats', statsLine(job)));
  const note = noteFor(job);
  if (job.warning) item.append(el('div', 'warning', job.warning));
  if (note) item.append(el('div', 'note', note));
  const actions = el('div', 'actions');
  for (const action of actionsFor(job)) {
    const button = el('button', `action-${action}`, actionLabel(action));
    button.type = 'button';
    button.setAttribute('aria-label', t('job_action_label', actionLabel(action), job.filename));
    button.addEventListener('click', () => onAction(action, job));
    actions.append(button);
  }
  item.append(actions);
  return item;
}
