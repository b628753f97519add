import { t } from '../shared/i18n';
import type { JobView } from '../shared/job-view';
import { request } from '../shared/messenger';
import { el } from './dom';
import { formatSpeed } from './format';

/**
 * A job's own speed limit, live: the per-download setting (the default), none, or one of a few rates. Shown
 * while the job can still fetch (queued, running, paused).
 */
const MIB = 1024 * 1024;
const RATES = [MIB / 2, MIB, 2 * MIB, 5 * MIB, 10 * MIB, 20 * MIB, 50 * MIB];
const DEFAULT = '';

export class JobLimit {
  readonly element = el('label', 'job-limit');
  private readonly select = el('select', '');
  private jobId: string;

  constructor(job: JobView) {
    this.jobId = job.id;
    this.select.append(
      new Option(t('job_limit_default'), DEFAULT),
      new Option(t('limit_none'), '0'),
      ...RATES.map((rate) => new Option(formatSpeed(rate), String(rate))),
    );
    this.select.setAttribute('aria-label', t('job_limit_label', job.filename));
    this.select.addEventListener('change', () => void this.send());
    this.element.append(el('span', '', t('job_limit')), this.select);
    this.update(job);
  }

  update(job: JobView): void {
    this.jobId = job.id;
    const status = job.state.status;
    this.element.hidden = !(status === 'queued' || status === 'running' || status === 'paused');
    const value = job.limitBytesPerSecond === null ? DEFAULT : String(job.limitBytesPerSecond);
    if (![...this.select.options].some((o) => o.value === value))
      this.select.add(new Option(t('limit_custom', formatSpeed(Number(value))), value));
    // Not while the user is choosing: the next snapshot carries the choice.
    if (document.activeElement !== this.select) this.select.value = value;
  }

  private async send(): Promise<void> {
    const value = this.select.value;
    try {
      await request({
        type: 'job/limit',
        jobId: this.jobId,
        bytesPerSecond: value === DEFAULT ? null : Number(value),
      });
    } catch (error) {
      console.error('setting the speed limit failed', error);
    }
  }
}
