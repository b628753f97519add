import { t } from '../shared/i18n';
import { request } from '../shared/messenger';
import { sha256Hex, webUrl } from '../shared/protocol';

/**
 * The popup's "add a link" field: a pasted http(s) link is downloaded through the engine whatever its size,
 * as the context menu does. No referring page is sent: the popup cannot know where a pasted link came from,
 * and the active tab's address is not the extension's to pass on. An optional SHA-256 goes with it: the job
 * holds its file to that hash from the start, before a byte arrives.
 */
export function wireAddLink(form: HTMLFormElement): void {
  const input = form.querySelector<HTMLInputElement>('input[name=url]')!;
  const hash = form.querySelector<HTMLInputElement>('input[name=sha256]')!;
  const error = form.querySelector<HTMLElement>('.error')!;
  const show = (message: string | null) => {
    error.textContent = message ?? '';
    error.hidden = message === null;
  };
  input.addEventListener('input', () => show(null));
  hash.addEventListener('input', () => show(null));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const url = webUrl(input.value.trim());
    if (url === null) return show(t('add_link_bad_url'));
    const raw = hash.value.trim();
    const sha256 = raw === '' ? '' : sha256Hex(raw);
    if (sha256 === undefined) return show(t('hash_bad'));
    try {
      await request({ type: 'job/add-link', url, ...(sha256 ? { sha256 } : {}) });
      input.value = '';
      hash.value = '';
      show(null);
    } catch (failure) {
      show(failure instanceof Error ? failure.message : String(failure));
    }
  });
}
