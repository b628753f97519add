/**
 * Chromium stops an idle service worker about 30 s after the last extension event, even mid-fetch
 * (DESIGN fact 1). A cheap extension API call every 20 s counts as activity, so while any job is active the
 * worker stays up. Termination must still be survivable: jobs resume from IndexedDB on the next start.
 */
const INTERVAL_MS = 20_000;

export class KeepAlive {
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly ping: () => Promise<unknown> = () => chrome.runtime.getPlatformInfo()) {}

  set(active: boolean): void {
    if (active && this.timer === null) {
      this.timer = setInterval(() => void this.ping().catch(() => {}), INTERVAL_MS);
    } else if (!active && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  get active(): boolean {
    return this.timer !== null;
  }
}
