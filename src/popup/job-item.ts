import { formatBytes } from '../shared/format-bytes';
import { t } from '../shared/i18n';
import type { JobView } from '../shared/job-view';
import { el, setText } from './dom';
import { failureNote } from './failure';
import { formatDuration, formatSpeed, percent } from './format';
import { formatGain } from './gain';
import { JobHash } from './job-hash';
import { actionLabel, actionsFor, type JobAction, stateLabel } from './job-labels';
import { JobLimit } from './job-limit';
import { createSegmentCanvas, drawSegments } from './segment-canvas';

export type { JobAction } from './job-labels';

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
  if (job.state.status === 'failed') return failureNote(job.state.error);
  if (job.state.status === 'handed-to-browser') return t('note_handed_to_browser', job.state.reason);
  return job.note;
}

/**
 * One job as a list item, updated in place with each snapshot: the elements stay, so keyboard focus, a
 * selection or a half-typed hash survive the 4 updates a second. Buttons are rebuilt only when the state
 * offers other ones.
 */
export class JobItem {
  readonly element = el('li', 'job');
  private readonly name = el('span', 'name');
  private readonly chip = el('span', 'state');
  private readonly bar = el('progress', 'bar');
  private readonly segments = createSegmentCanvas();
  private readonly stats = el('div', 'stats');
  private readonly gain = el('div', 'gain');
  private readonly warning = el('div', 'warning');
  private readonly note = el('div', 'note');
  private readonly hash: JobHash;
  private readonly limit: JobLimit;
  private readonly actions = el('div', 'actions');
  private shownActions = '';
  private job: JobView;

  constructor(
    job: JobView,
    private readonly onAction: (action: JobAction, job: JobView) => void,
  ) {
    this.job = job;
    this.element.dataset.jobId = job.id;
    const top = el('div', 'top');
    top.append(this.name, this.chip);
    this.bar.max = 100;
    this.hash = new JobHash(job);
    this.limit = new JobLimit(job);
    this.element.append(
      top,
      this.bar,
      this.segments,
      this.stats,
      this.gain,
      this.warning,
      this.note,
      this.hash.element,
      this.actions,
      this.limit.element,
    );
    this.update(job);
  }

  update(job: JobView): void {
    this.job = job;
    const status = job.state.status;
    this.element.dataset.state = status;
    setText(this.name, job.filename);
    this.name.title = job.url;
    this.chip.className = `state ${status}`;
    setText(this.chip, stateLabel(status));
    this.bar.setAttribute('aria-label', t('job_progress_label', job.filename));
    const pct = percent(job.doneBytes, job.sizeBytes);
    if (pct === null) this.bar.removeAttribute('value');
    else this.bar.value = pct;
    this.segments.hidden = job.segments === null;
    setText(this.stats, statsLine(job));
    const gain = formatGain(job);
    setText(this.gain, gain ?? '');
    this.gain.hidden = gain === null;
    // The segment map shows the progress; the bar stays for assistive technology.
    this.bar.classList.toggle('visually-hidden', job.segments !== null);
    setText(this.warning, job.warning ?? '');
    this.warning.hidden = !job.warning;
    const note = noteFor(job);
    setText(this.note, note ?? '');
    this.note.hidden = !note;
    this.hash.update(job);
    this.limit.update(job);
    this.updateActions(job);
    // Drawn after the layout settles: the canvas takes its width from the list.
    if (job.segments !== null && job.sizeBytes !== null)
      drawSegments(this.segments, job.segments, job.sizeBytes);
  }

  private updateActions(job: JobView): void {
    const actions = actionsFor(job);
    const key = `${actions.join(',')}|${job.filename}`;
    if (key === this.shownActions) return;
    this.shownActions = key;
    const focused = this.actions.contains(document.activeElement)
      ? (document.activeElement as HTMLElement).dataset.action
      : undefined;
    this.actions.replaceChildren(
      ...actions.map((action) => {
        const button = el('button', `action-${action}`, actionLabel(action));
        button.type = 'button';
        button.dataset.action = action;
        button.setAttribute('aria-label', t('job_action_label', actionLabel(action), job.filename));
        button.addEventListener('click', () => this.onAction(action, this.job));
        return button;
      }),
    );
    // A button that went (Pause became Resume) hands the focus to the first of the new ones.
    if (focused !== undefined) {
      const next =
        this.actions.querySelector<HTMLElement>(`[data-action="${focused}"]`) ??
        this.actions.firstElementChild;
      (next as HTMLElement | null)?.focus();
    }
  }
}
