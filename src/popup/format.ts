import { formatBytes } from '../shared/format-bytes';
import { t } from '../shared/i18n';

/** Human-readable numbers for the popup (sizes: shared/format-bytes.ts), in the browser's language. */

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return t('duration_seconds', seconds);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('duration_minutes', minutes, seconds % 60);
  return t('duration_hours', Math.floor(minutes / 60), minutes % 60);
}

/** Whole percent, never 100 before every byte is in. */
export function percent(done: number, total: number | null): number | null {
  if (total === null || total <= 0) return null;
  const value = Math.floor((done / total) * 100);
  return done < total ? Math.min(value, 99) : 100;
}
