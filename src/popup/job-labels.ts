import { t } from '../shared/i18n';
import type { JobView } from '../shared/job-view';

/** What the popup calls a job's states and buttons, and which buttons each state offers. */
export type JobAction = 'pause' | 'resume' | 'cancel' | 'retry' | 'remove' | 'open' | 'show';

export function stateLabel(status: JobView['state']['status']): string {
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

export function actionsFor(job: JobView): JobAction[] {
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

export function actionLabel(action: JobAction): string {
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
