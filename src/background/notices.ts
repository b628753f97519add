import type { DownloadNotice } from '../engine/types';
import { detailText } from '../shared/error-text';
import { describeSize } from '../shared/format-bytes';
import { t } from '../shared/i18n';

/** The engine's notices, as the job's note (transient) and its warning (kept until the job starts from zero). */
export type JobNotice = Exclude<DownloadNotice, { type: 'single-stream' }>;

export const CHANGED_WARNING = t('warning_changed');
export const UNVERIFIED_WARNING = t('warning_unverified');

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
      return t('note_resumed', describeSize(notice.doneBytes));
    case 'restarted':
      return notice.reason === 'changed' ? t('note_changed_restarted') : t('note_restarted');
    case 'unverified-resume':
      return t('note_unverified_resume');
    case 'connections-lowered':
      return t('note_connections_lowered', notice.status, notice.connections);
    case 'retrying':
      return t('note_retrying', notice.attempt, notice.detail ? detailText(notice.detail) : notice.error);
    default: {
      const _exhaustive: never = notice;
      return _exhaustive;
    }
  }
}
