import { readdir } from 'node:fs/promises';

/**
 * A diagnostic for the Firefox benchmark's timeline: when each name appeared in and left a download directory,
 * polled every `pollMs`. Firefox writes a download to `<name>.part` and renames it at the end, so the log shows
 * when the browser's own download began and was cancelled, and when the add-on's save began and ended.
 */
export interface DirWatch {
  /** `+name` or `-name` at milliseconds on the monotonic clock (performance.now()). */
  stop(): { atMs: number; change: string }[];
}

export function watchDir(dir: string, pollMs = 5): DirWatch {
  const log: { atMs: number; change: string }[] = [];
  let seen = new Set<string>();
  let running = true;
  const poll = async () => {
    while (running) {
      const names = new Set(await readdir(dir).catch(() => []));
      const atMs = performance.now();
      for (const n of names) if (!seen.has(n)) log.push({ atMs, change: `+${n}` });
      for (const n of seen) if (!names.has(n)) log.push({ atMs, change: `-${n}` });
      seen = names;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  };
  void poll();
  return {
    stop() {
      running = false;
      return log;
    },
  };
}
