import { t } from '../shared/i18n';

/** Save URL → what to call when the browser reports that URL's download created. */
export type CreatedWaiters = Map<string, (downloadId: number) => void>;

/** The wait for the browser's download of one save URL (saver.ts). */
export interface CreatedWait {
  /** The download's id once the browser reports it created; rejects on `fail` or when the armed wait runs out. */
  promise: Promise<number>;
  /** Starts the wait (once): `timeoutMs` from now without the download, the save counts as failed. */
  arm(timeoutMs: number): void;
  /** Asking the browser failed: the download will never be created. */
  fail(error: unknown): void;
}

/** Registers the wait for `url` in `waiters` (the saver's downloads.onCreated calls it); it removes itself. */
export function whenCreated(waiters: CreatedWaiters, url: string): CreatedWait {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settle: (outcome: { id: number } | { error: unknown }) => void = () => {};
  const promise = new Promise<number>((resolve, reject) => {
    settle = (outcome) => {
      if (waiters.get(url) !== onCreated) return;
      clearTimeout(timer);
      waiters.delete(url);
      if ('id' in outcome) resolve(outcome.id);
      else reject(outcome.error);
    };
  });
  const onCreated = (id: number) => settle({ id });
  waiters.set(url, onCreated);
  return {
    promise,
    arm(timeoutMs) {
      if (timer !== undefined || waiters.get(url) !== onCreated) return;
      timer = setTimeout(() => settle({ error: new Error(t('save_not_started')) }), timeoutMs);
    },
    fail: (error) => settle({ error }),
  };
}
