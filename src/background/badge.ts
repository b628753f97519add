import { browser } from '../shared/browser-api';
import { t } from '../shared/i18n';
import type { JobView, Snapshot } from '../shared/job-view';

/**
 * The toolbar button's badge: while downloads are active, their overall percent (every active job's size
 * known) or else how many there are; nothing once all are idle. The button's tooltip says both. Updated at
 * most once a second from a fresh snapshot; the browser is only called when the text changes.
 */
const INTERVAL_MS = 1_000;
const COLOR = '#0969da';

export interface BadgeState {
  /** At most 4 characters: the badge's room. Empty: no badge. */
  text: string;
  title: string;
}

export interface BadgeApi {
  setText(text: string): Promise<void>;
  setTitle(title: string): Promise<void>;
  setColor(color: string): Promise<void>;
}

const ACTIVE: ReadonlySet<JobView['state']['status']> = new Set(['queued', 'running', 'completing']);

export function badgeFor(jobs: readonly JobView[]): BadgeState {
  const active = jobs.filter((job) => ACTIVE.has(job.state.status));
  if (active.length === 0) return { text: '', title: t('action_title') };
  const sized = active.every((job) => job.sizeBytes !== null && job.sizeBytes > 0);
  const total = active.reduce((sum, job) => sum + (job.sizeBytes ?? 0), 0);
  const done = active.reduce((sum, job) => sum + Math.min(job.doneBytes, job.sizeBytes ?? job.doneBytes), 0);
  // Never 100 % before every byte is in.
  const pct = sized ? Math.min(Math.floor((done / total) * 100), done < total ? 99 : 100) : null;
  const count = String(active.length);
  return {
    text: pct === null ? count : `${pct}%`,
    title:
      pct === null
        ? t('badge_title_count', t('action_title'), count)
        : t('badge_title_percent', t('action_title'), count, pct),
  };
}

const chromeApi: BadgeApi = {
  setText: (text) => browser.action.setBadgeText({ text }),
  setTitle: (title) => browser.action.setTitle({ title }),
  setColor: (color) => browser.action.setBadgeBackgroundColor({ color }),
};

export class Badge {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private shown: BadgeState | null = null;
  /** A change came while a redraw was under way: it may have read the store before it. */
  private again = false;

  constructor(
    private readonly build: () => Promise<Snapshot>,
    /** Also handed each snapshot the badge was drawn from (the notifier). */
    private readonly onSnapshot: (snapshot: Snapshot) => void = () => {},
    private readonly api: BadgeApi = chromeApi,
  ) {}

  /** Something changed: redraw within INTERVAL_MS (the first change at once). */
  changed(): void {
    if (this.timer !== null) {
      this.again = true;
      return;
    }
    const wait = this.shown === null ? 0 : INTERVAL_MS;
    this.timer = setTimeout(() => void this.update(), wait);
  }

  private async update(): Promise<void> {
    try {
      const snapshot = await this.build();
      this.onSnapshot(snapshot);
      const next = badgeFor(snapshot.jobs);
      if (this.shown === null) await this.api.setColor(COLOR);
      if (next.text !== this.shown?.text) await this.api.setText(next.text);
      if (next.title !== this.shown?.title) await this.api.setTitle(next.title);
      this.shown = next;
    } catch {
      // A closing store or an API call during shutdown: the next change redraws.
    } finally {
      this.timer = null;
      if (this.again) {
        this.again = false;
        this.changed();
      }
    }
  }
}
