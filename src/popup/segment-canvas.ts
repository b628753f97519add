import { t } from '../shared/i18n';
import type { SegmentMap } from '../shared/segment-map';
import { percent } from './format';
import { type SegmentKind, segmentSpans, segmentTotals } from './segment-geometry';

/**
 * A job's segment map on a canvas: stored, each connection's range (its received part darker), and what is
 * left, in the theme's colours (CSS variables, so the dark theme applies). Redrawn with each snapshot, which
 * the worker sends at most 4 times a second. The canvas is an image with a text alternative.
 */
const COLORS: Record<SegmentKind | 'left', string> = {
  left: '--map-left',
  fetching: '--map-fetching',
  received: '--map-received',
  stored: '--map-stored',
};

export function createSegmentCanvas(): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.className = 'segments';
  canvas.setAttribute('role', 'img');
  canvas.height = 10;
  return canvas;
}

export function drawSegments(canvas: HTMLCanvasElement, map: SegmentMap, sizeBytes: number): void {
  const ratio = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || 396;
  const width = Math.max(1, Math.round(cssWidth * ratio));
  const height = Math.max(1, Math.round(10 * ratio));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return;
  const style = getComputedStyle(canvas);
  const color = (kind: SegmentKind | 'left') => style.getPropertyValue(COLORS[kind]).trim() || '#888';
  context.fillStyle = color('left');
  context.fillRect(0, 0, width, height);
  const spans = segmentSpans(map, sizeBytes, width);
  for (const s of spans) {
    context.fillStyle = color(s.kind);
    context.fillRect(s.x, 0, s.width, height);
  }
  const totals = segmentTotals(map, sizeBytes);
  canvas.dataset.spans = String(spans.length);
  canvas.setAttribute(
    'aria-label',
    t('segments_label', percent(totals.stored, sizeBytes) ?? 0, totals.connections),
  );
}
