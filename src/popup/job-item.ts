import { formatBytes } from '../shared/format-bytes';
import type { JobView } from '../shared/job-view';
import { formatDuration, formatSpeed, percent } from './format';

export type JobAction = 'pause' | 'resume' | 'cancel' | 'retry' | 'remove' | 'open' | 'show';

const STATE_LABELS: Record<JobView['state']['status'], string> = {
  queued: 'Queued',
  running: 'Downloading',
  paused: 'Paused',
  completing: 'Saving',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  'handed-to-browser': 'Given to the browser',
};

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

const ACTION_LABELS: Record<JobAction, string> = {
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel',
  retry: 'Retry',
  remove: 'Remove',
  open: 'Open',
  show: 'Show in folder',
};

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = '',
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

function statsLine(job: JobView): string {
  const pct = percent(job.doneBytes, job.sizeBytes);
  const parts = [
    job.sizeBytes === null
      ? formatBytes(job.doneBytes)
      : `${formatBytes(job.doneBytes)} of ${formatBytes(job.sizeBytes)}`,
  ];
  if (pct !== null) parts.push(`${pct}%`);
  if (job.state.status === 'running') {
    parts.push(formatSpeed(job.speedBytesPerSecond));
    if (job.etaMs !== null) parts.push(`${formatDuration(job.etaMs)} left`);
    parts.push(`${job.connections} connection${job.connections === 1 ? '' : 's'}`);
  }
  return parts.join(' · ');
}

function noteFor(job: JobView): string | null {
  if (job.state.status === 'failed') return job.state.error.message;
  if (job.state.status === 'handed-to-browser')
    return `Not accelerated: ${job.state.reason}. The browser downloads it.`;
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
  top.append(name, el('span', `state ${job.state.status}`, STATE_LABELS[job.state.status]));
  const bar = el('progress', 'bar');
  bar.max = 100;
  const pct = percent(job.doneBytes, job.sizeBytes);
  if (pct !== null) bar.value = pct;
  item.append(top, bar, el('div', 'stats', statsLine(job)));
  const note = noteFor(job);
  if (job.warning) item.append(el('div', 'warning', job.warning));
  if (note) item.append(el('div', 'note', note));
  const actions = el('div', 'actions');
  for (const action of actionsFor(job)) {
    const button = el('button', `action-${action}`, ACTION_LABELS[action]);
    button.type = 'button';
    button.addEventListener('click', () => onAction(action, job));
    actions.append(button);
  }
  item.append(actions);
  return item;
}
