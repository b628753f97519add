import { browser } from '../shared/browser-api';

/**
 * Test-only (the Firefox end-to-end build, `__TEST_REPORT__`; everywhere else this is dead code the bundler
 * drops). WebDriver BiDi shows a test none of the add-on's pages (docs/platform.md, Firefox), so the event page
 * sends what the popup would be fed (its job snapshots) and its errors to the loopback server named in the
 * add-on's test-report.json, and takes one command back: `reload` restarts the background
 * (runtime.reload), as a test of resuming needs.
 */
const EVERY_MS = 200;

export function startTestReport(snapshot: () => Promise<unknown>): void {
  if (!__TEST_REPORT__) return;
  const errors: string[] = [];
  globalThis.addEventListener('error', (e) => errors.push(String((e as ErrorEvent).message)));
  globalThis.addEventListener('unhandledrejection', (e) =>
    errors.push(String((e as PromiseRejectionEvent).reason)),
  );
  void run(snapshot, errors);
}

async function run(snapshot: () => Promise<unknown>, errors: string[]): Promise<void> {
  const config = (await (await fetch(browser.runtime.getURL('test-report.json'))).json()) as { url: string };
  for (;;) {
    let body: string;
    try {
      body = JSON.stringify({ snapshot: await snapshot(), errors: errors.splice(0) });
    } catch (error) {
      body = JSON.stringify({ snapshot: null, errors: [...errors.splice(0), String(error)] });
    }
    const reply = await fetch(`${config.url}/report`, { method: 'POST', body }).catch(() => null);
    const command = reply ? await reply.text().catch(() => '') : '';
    if (command === 'reload') browser.runtime.reload();
    await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
  }
}
