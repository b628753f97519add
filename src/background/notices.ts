import type { DownloadNotice } from '../engine/types';
import { describeSize } from '../shared/format-bytes';

/** The engine's notices, as the job's note (transient) and its warning (kept until the job starts from zero). */
export type JobNotice = Exclude<DownloadNotice, { type: 'single-stream' }>;

export const CHANGED_WARNING = 'The file changed on the server: the download restarted from zero.';
export const UNVERIFIED_WARNING =
  'Could not verify the file’s identity: the server sends no ETag or Last-Modified, so only the size was ' +
  're-checked when the download resumed.';

/**
 * The warning a notice leaves on the job, or null when it leaves none. A restart after a change replaces an
 * earlier "unverified" warning: none of the bytes it spoke of are kept.
 */
export function warningFor(notice: JobNotice): string | null {
  if (notice.type === 'restarted' && notice.reason === 'changed') return CHANGED_WARNING;
  if (notice.type === 'unverified-resume') return UNVERIFIED_WARNING;
  return null;
}

export function describeNotice(notice: JobNotice): string {
  switch (notice.type) {
    case 'resumed':
      return `resumed after ${describeSize(notice.doneBytes)}`;
    case 'restarted':
      return notice.reason === 'changed'
        ? 'the file changed on the server: restarted'
        : 'restarted from zero';
    case 'unverified-resume':
      return 'resumed; identity not verified (no ETag or Last-Modified), size re-checked';
    case 'connections-lowered':
      return `the server answered ${notice.status}: down to ${notice.connections} connections`;
    case 'retrying':
      return `retrying (attempt ${notice.attempt}): ${notice.error}`;
    default: {
      const _exhaustive: never = notice;
      return _exhaustive;
    }
  }
}
