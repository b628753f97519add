import { Aria2Client } from '../background/aria2/client';
import { browser } from '../shared/browser-api';
import { t } from '../shared/i18n';

/**
 * The options page's aria2 part: turning "send to aria2" on asks for the optional cookies permission (in the
 * click's own gesture, as chrome.permissions.request requires), and "Test connection" calls aria2.getVersion
 * with the form's current URL and secret, showing aria2's version or the exact failure.
 */
export function wireAria2Section(form: HTMLFormElement): void {
  const toggle = form.elements.namedItem('sendToAria2') as HTMLInputElement;
  const url = form.elements.namedItem('aria2RpcUrl') as HTMLInputElement;
  const secret = form.elements.namedItem('aria2Secret') as HTMLInputElement;
  const test = form.querySelector<HTMLButtonElement>('#aria2-test')!;
  const status = form.querySelector<HTMLOutputElement>('#aria2-status')!;
  const cookies = form.querySelector<HTMLOutputElement>('#aria2-cookies')!;

  const say = (out: HTMLOutputElement, text: string, isError: boolean) => {
    out.textContent = text;
    out.classList.toggle('error', isError);
  };

  toggle.addEventListener('change', () => {
    if (!toggle.checked) return;
    browser.permissions.request({ permissions: ['cookies'] }).then(
      (granted) =>
        say(
          cookies,
          granted ? t('options_aria2_cookies_granted') : t('options_aria2_cookies_denied'),
          !granted,
        ),
      (error: unknown) => say(cookies, String(error), true),
    );
  });

  test.addEventListener('click', async () => {
    test.disabled = true;
    say(status, t('options_aria2_connecting'), false);
    try {
      const version = await new Aria2Client({ rpcUrl: url.value.trim(), secret: secret.value }).version();
      say(status, t('options_aria2_connected', version), false);
    } catch (error) {
      say(status, error instanceof Error ? error.message : String(error), true);
    } finally {
      test.disabled = false;
    }
  });
}
