import { formatBytes } from '../shared/format-bytes';

/** Human-readable numbers for the popup (sizes: shared/format-bytes.ts). */

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Whole percent, never 100 before every byte is in. */
export function percent(done: number, total: number | null): number | null {
  if (total === null || total <= 0) return null;
  const value = Math.floor((done / total) * 100);
  return done < total ? Math.min(value, 99) : 100;
}
