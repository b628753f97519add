import type { ByteRange, ConnectionProgress } from '../engine/types';

/**
 * Where a download's bytes are, for the popup's segment map: the ranges stored, and what each connection is
 * fetching now (its range and how much of it has arrived). Ranges are inclusive `{start, end}` as in HTTP.
 */
export interface SegmentMap {
  stored: ByteRange[];
  fetching: FetchingRange[];
}

export interface FetchingRange extends ByteRange {
  /** Bytes of the range received so far (from `start`). */
  receivedBytes: number;
}

/** More stored ranges than the map has pixels are merged across the smallest gaps: the message stays small. */
const MAX_RANGES = 400;

/** The segment map of a job with these stored ranges and (when it runs) connections. */
export function segmentMapOf(
  stored: readonly ByteRange[],
  connections: readonly ConnectionProgress[],
  sizeBytes: number,
): SegmentMap {
  return {
    stored: coarsen(stored, sizeBytes, MAX_RANGES),
    fetching: connections
      .filter((c) => c.state !== 'retrying' && c.range.end >= c.range.start)
      .map((c) => ({
        start: c.range.start,
        end: c.range.end,
        receivedBytes: Math.min(c.receivedBytes, c.range.end - c.range.start + 1),
      })),
  };
}

/** Sorted ranges with gaps under size/max closed, so at most about `max` are left. */
export function coarsen(ranges: readonly ByteRange[], sizeBytes: number, max: number): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  if (sorted.length <= max) return sorted.map((r) => ({ start: r.start, end: r.end }));
  const gap = Math.ceil(sizeBytes / max);
  const out: ByteRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start - last.end - 1 < gap) last.end = Math.max(last.end, r.end);
    else out.push({ start: r.start, end: r.end });
  }
  return out;
}
