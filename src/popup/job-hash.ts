import { t } from '../shared/i18n';
import type { JobView } from '../shared/job-view';
import { request } from '../shared/messenger';
import { sha256Hex } from '../shared/protocol';
import { el, setText } from './dom';

/**
 * A job's SHA-256, in a disclosure: the file's hash once every byte has passed (selectable, with a Copy
 * button), what it was held to, and a field to paste the hash the user expects, before, during or after the
 * download (the worker compares it; a finished file is compared at once).
 */
export class JobHash {
  readonly element = el('details', 'hash');
  private readonly summary = el('summary', '', t('hash_summary'));
  private readonly value = el('code', 'sha256');
  private readonly copy = el('button', 'copy', t('hash_copy'));
  private readonly result = el('div', 'integrity');
  private readonly form = el('form', 'expect');
  private readonly input = el('input', 'field');
  private readonly error = el('p', 'error');
  private job: JobView;

  constructor(job: JobView) {
    this.job = job;
    this.copy.type = 'button';
    this.copy.setAttribute('aria-label', t('hash_copy_label'));
    this.copy.addEventListener('click', () => void this.copyHash());
    this.input.type = 'text';
    this.input.name = 'sha256';
    this.input.spellcheck = false;
    this.input.autocomplete = 'off';
    this.input.placeholder = t('hash_expected_placeholder');
    this.input.setAttribute('aria-label', t('hash_expected_label', job.filename));
    const check = el('button', 'check', t('hash_check'));
    check.type = 'submit';
    this.error.setAttribute('role', 'alert');
    this.error.hidden = true;
    this.form.noValidate = true;
    this.form.append(this.input, check, this.error);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.expect();
    });
    const row = el('div', 'hash-row');
    row.append(this.value, this.copy);
    this.element.append(this.summary, row, this.result, this.form);
    this.update(job);
  }

  update(job: JobView): void {
    this.job = job;
    const hidden = job.state.status === 'cancelled' || job.state.status === 'handed-to-browser';
    this.element.hidden = hidden;
    (this.value.parentElement as HTMLElement).hidden = job.sha256 === null;
    setText(this.value, job.sha256 ?? '');
    const verdict = job.integrity === null ? '' : integrityText(job);
    setText(this.result, verdict);
    this.result.hidden = verdict === '';
    this.result.dataset.result = job.integrity ?? '';
    // Never overwrite what the user is typing; show the stored expectation otherwise.
    if (document.activeElement !== this.input && job.expectedSha256 !== null)
      this.input.value = job.expectedSha256;
  }

  private async copyHash(): Promise<void> {
    if (this.job.sha256 === null) return;
    try {
      await navigator.clipboard.writeText(this.job.sha256);
      setText(this.copy, t('hash_copied'));
      setTimeout(() => setText(this.copy, t('hash_copy')), 1500);
    } catch {
      // Without clipboard access the hash stays selectable in place.
      getSelection()?.selectAllChildren(this.value);
    }
  }

  private async expect(): Promise<void> {
    const raw = this.input.value.trim();
    const sha256 = raw === '' ? null : sha256Hex(raw);
    if (sha256 === undefined) return this.say(t('hash_bad'));
    try {
      await request({ type: 'job/expect-sha256', jobId: this.job.id, sha256 });
      this.say(null);
    } catch (failure) {
      this.say(failure instanceof Error ? failure.message : String(failure));
    }
  }

  private say(message: string | null): void {
    setText(this.error, message ?? '');
    this.error.hidden = message === null;
  }
}

function integrityText(job: JobView): string {
  const note = job.integrityNote ? ` (${job.integrityNote})` : '';
  switch (job.integrity) {
    case 'verified':
      return t('hash_verified') + note;
    case 'mismatch':
      return t('hash_mismatch') + note;
    default:
      return t('hash_unchecked');
  }
}
