import type { SegmentMap } from '../shared/segment-map';

/**
 * The segment map's geometry, pure: the file is a bar `widthPx` wide; each range becomes a span of whole
 * pixels (at least one, so a small piece in flight stays visible). Drawn in order, later layers over earlier
 * ones: what each connection is fetching, the part of it received, then what is stored. Whatever no span
 * covers is what is left.
 */
export type SegmentKind = 'fetching' | 'received' | 'stored';

export interface Span {
  kind: SegmentKind;
  x: number;
  width: number;
}

function span(kind: SegmentKind, start: number, endExclusive: number, size: number, widthPx: number): Span {
  const x = Math.min(widthPx - 1, Math.max(0, Math.floor((start / size) * widthPx)));
  const x1 = Math.min(widthPx, Math.max(x + 1, Math.ceil((endExclusive / size) * widthPx)));
  return { kind, x, width: x1 - x };
}

export function segmentSpans(map: SegmentMap, sizeBytes: number, widthPx: number): Span[] {
  if (sizeBytes <= 0 || widthPx <= 0) return [];
  const within = (r: { start: number; end: number }) => r.start < sizeBytes && r.end >= r.start;
  const spans: Span[] = [];
  for (const r of map.fetching.filter(within)) {
    spans.push(span('fetching', r.start, Math.min(r.end + 1, sizeBytes), sizeBytes, widthPx));
  }
  for (const r of map.fetching.filter(within)) {
    if (r.receivedBytes > 0)
      spans.push(
        span('received', r.start, Math.min(r.start + r.receivedBytes, sizeBytes), sizeBytes, widthPx),
      );
  }
  for (const r of map.stored.filter(within)) {
    spans.push(span('stored', r.start, Math.min(r.end + 1, sizeBytes), sizeBytes, widthPx));
  }
  return spans;
}

/** Bytes per kind, for the map's text alternative: stored, being fetched (not yet stored), left. */
export function segmentTotals(map: SegmentMap, sizeBytes: number): { stored: number; connections: number } {
  const stored = map.stored.reduce((sum, r) => sum + (r.end - r.start + 1), 0);
  return { stored: Math.min(stored, sizeBytes), connections: map.fetching.length };
}
