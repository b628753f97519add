import { t } from '../shared/i18n';
import type { JobView } from '../shared/job-view';

/**
 * The measured gain of a finished download as the popup says it: "3.1x the speed of one connection" (one
 * decimal, in the browser's language), or nothing when it was not measured or the job did not complete.
 */
export function formatGain(job: Pick<JobView, 'gain' | 'state'>): string | null {
  const { gain } = job;
  if (job.state.status !== 'completed' || gain === null || !Number.isFinite(gain) || gain <= 0) return null;
  return t('gain_line', (Math.round(gain * 10) / 10).toFixed(1));
}
