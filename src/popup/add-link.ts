import { t } from '../shared/i18n';
import { request } from '../shared/messenger';
import { webUrl } from '../shared/protocol';

/**
 * The popup's "add a link" field: a pasted http(s) link is downloaded through the engine whatever its size,
 * as the context menu does. No referring page is sent: the popup cannot know where a pasted link came from,
 * and the active tab's address is not the extension's to pass on.
 */
export function wireAddLink(form: HTMLFormElement): void {
  const input = form.querySelector<HTMLInputElement>('input')!;
  const error = form.querySelector<HTMLElement>('.error')!;
  const show = (message: string | null) => {
    error.textContent = message ?? '';
    error.hidden = message === null;
  };
  input.addEventListener('input', () => show(null));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const url = webUrl(input.value.trim());
    if (url === null) return show(t('add_link_bad_url'));
    try {
      await request({ type: 'job/add-link', url });
      input.value = '';
      show(null);
    } catch (failure) {
      show(failure instanceof Error ? failure.message : String(failure));
    }
  });
}
