import { describeSize } from '../shared/format-bytes';
import { t } from '../shared/i18n';

/**
 * Room for a job's pieces. The extension has unlimitedStorage, so the browser rarely refuses a write, but the
 * disk can still fill up and a quota can be imposed (enterprise policy, DevTools): the worker asks
 * navigator.storage.estimate() before it fetches and while it does, and pauses a job that no longer fits
 * instead of letting a write fail half-way.
 */
export class NotEnoughSpaceError extends Error {
  override name = 'NotEnoughSpaceError';
  readonly code = 'NO_SPACE';
}

export type Estimate = () => Promise<{ quota?: number | undefined; usage?: number | undefined }>;

/** Headroom kept free beyond the bytes still to fetch (IndexedDB's own records, the next piece in flight). */
const MARGIN_BYTES = 1024 * 1024;

/**
 * What a job of `sizeBytes` with `doneBytes` stored still needs: the pieces still to fetch, and the saved
 * file, a whole copy the browser writes while the pieces still exist (they are deleted once it is saved).
 */
export function spaceNeeded(sizeBytes: number, doneBytes: number): number {
  return Math.max(0, sizeBytes - doneBytes) + sizeBytes;
}

/** Throws NotEnoughSpaceError when `remainingBytes` more would not fit. Unknown quotas pass. */
export async function ensureSpace(
  remainingBytes: number,
  estimate: Estimate = () => navigator.storage.estimate(),
): Promise<void> {
  if (remainingBytes <= 0) return;
  const { quota, usage } = await estimate();
  if (quota === undefined) return;
  const freeBytes = Math.max(0, quota - (usage ?? 0));
  if (remainingBytes + MARGIN_BYTES <= freeBytes) return;
  throw new NotEnoughSpaceError(
    t('note_not_enough_space', describeSize(remainingBytes), describeSize(freeBytes)),
  );
}

/** A storage failure that means "full" (QuotaExceededError), wrapped or not. */
export function isOutOfSpace(error: unknown): boolean {
  // A DOMException is matched by name: it need not be an Error in every context.
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; depth++) {
    const { name, cause } = e as { name?: unknown; cause?: unknown };
    if (name === 'NotEnoughSpaceError' || name === 'QuotaExceededError') return true;
    e = cause;
  }
  return false;
}
