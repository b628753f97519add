/**
 * The benchmarks' click: when the page itself saw it, on this process's `performance.now()` clock (the clock of
 * the server's request log). Timing from before the driver's `click()` would also count the driver's own round
 * trips to find the element, scroll it into view and move the pointer there, which no user's click costs: over
 * WebDriver BiDi puppeteer's click reached Firefox's page 91-208 ms after it was asked (README "Benchmarks").
 */
interface ClickablePage {
  click(selector: string): Promise<unknown>;
  evaluate(expression: string): Promise<unknown>;
}

const MARK = '__benchClickedAt';

/**
 * Clicks `selector` and returns the page's moment of the click (or, if the page could not say, the moment the
 * driver was asked to click) and how long after being asked the driver's click reached the page.
 */
export async function timedClick(
  page: ClickablePage,
  selector: string,
): Promise<{ clickedAt: number; driverMs: number }> {
  await page.evaluate(
    `document.addEventListener('click', () => { window.${MARK} = Date.now(); }, { capture: true, once: true })`,
  );
  const before = performance.now();
  await page.click(selector);
  const wallClock = await page.evaluate(`window.${MARK} ?? null`).catch(() => null);
  // The browser's Date.now() is this machine's wall clock too: map it onto performance.now().
  const clickedAt = typeof wallClock === 'number' ? wallClock - (Date.now() - performance.now()) : before;
  const at = Math.max(before, clickedAt);
  return { clickedAt: at, driverMs: at - before };
}
