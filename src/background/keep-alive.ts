import { browser } from '../shared/browser-api';

/**
 * Chromium stops an idle service worker about 30 s after the last extension event, even mid-fetch
 * (docs/platform.md fact 1). A cheap extension API call every 20 s counts as activity, so while any job is
 * active the worker stays up. Termination must still be survivable (an update, a crash, memory pressure, or a
 * stop from DevTools): a repeating alarm, kept only while jobs are active, wakes a stopped worker within
 * 30 s, and the worker's start resumes every job from IndexedDB.
 */
const INTERVAL_MS = 20_000;
export const WAKE_ALARM = 'wake';
/** Chromium's floor for a packed extension's alarm period (0.5 min). */
const WAKE_PERIOD_MINUTES = 0.5;

export interface KeepAliveApi {
  ping(): Promise<unknown>;
  /** Creates the wake alarm unless it exists (re-creating it would push its next firing back). */
  arm(): Promise<void>;
  disarm(): Promise<void>;
}

const chromeApi: KeepAliveApi = {
  ping: () => browser.runtime.getPlatformInfo(),
  async arm() {
    if (await browser.alarms.get(WAKE_ALARM)) return;
    await browser.alarms.create(WAKE_ALARM, { periodInMinutes: WAKE_PERIOD_MINUTES });
  },
  async disarm() {
    await browser.alarms.clear(WAKE_ALARM);
  },
};

export class KeepAlive {
  private timer: ReturnType<typeof setInterval> | null = null;
  /** The first call always reaches the alarm: a worker stopped while busy left it armed. */
  private settled = false;

  constructor(private readonly api: KeepAliveApi = chromeApi) {}

  set(active: boolean): void {
    if (active && this.timer === null) {
      this.timer = setInterval(() => void this.api.ping().catch(() => {}), INTERVAL_MS);
      void this.api.arm().catch(() => {});
    } else if (!active && (this.timer !== null || !this.settled)) {
      if (this.timer !== null) clearInterval(this.timer);
      this.timer = null;
      void this.api.disarm().catch(() => {});
    }
    this.settled = true;
  }

  get active(): boolean {
    return this.timer !== null;
  }
}
