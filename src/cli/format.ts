import type { Progress } from '../engine/types';
import { formatBytes } from '../shared/format-bytes';

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '--:--';
  const seconds = Math.round(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** One status line: percent, bytes, speed, time left, connections; a bar when `barWidth` > 0. */
export function formatProgress(p: Progress, barWidth = 0): string {
  const fraction = p.totalBytes ? Math.min(1, p.doneBytes / p.totalBytes) : null;
  const percent = fraction === null ? '   ?%' : `${(fraction * 100).toFixed(1).padStart(5)}%`;
  const size = p.totalBytes === null ? '?' : formatBytes(p.totalBytes, 'fixed');
  const active = p.connections.filter((c) => c.state === 'receiving').length;
  const bar =
    barWidth > 0 && fraction !== null
      ? `[${'#'.repeat(Math.round(fraction * barWidth)).padEnd(barWidth, '.')}] `
      : '';
  return (
    `${bar}${percent}  ${formatBytes(p.doneBytes, 'fixed')} / ${size}  ${formatBytes(p.speedBytesPerSecond, 'fixed')}/s  ` +
    `left ${formatDuration(p.etaMs)}  conns ${active}`
  );
}
