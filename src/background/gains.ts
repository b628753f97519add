import { browser } from '../shared/browser-api';

/**
 * The measured gain of each finished job (gain-meter.ts), by job id, in session storage: it outlives the
 * worker, which stops soon after a download ends, and goes with the browser session.
 */
const KEY = 'gains';
const KEEP = 100;

export async function listGains(): Promise<Record<string, number>> {
  const stored = (await browser.storage.session.get(KEY))[KEY];
  return typeof stored === 'object' && stored !== null ? (stored as Record<string, number>) : {};
}

export async function recordGain(jobId: string, gain: number | null): Promise<void> {
  if (gain === null || !Number.isFinite(gain)) return;
  const gains = Object.entries(await listGains()).filter(([id]) => id !== jobId);
  await browser.storage.session.set({
    [KEY]: Object.fromEntries([...gains.slice(-(KEEP - 1)), [jobId, Math.round(gain * 100) / 100]]),
  });
}
