import type { ByteRange } from './types';

/**
 * Arithmetic over inclusive byte ranges. Plain number arithmetic only (no bitwise operators), so offsets stay
 * exact up to Number.MAX_SAFE_INTEGER and files beyond 4 GiB work. A range with `end < start` is empty.
 */

export function rangeLength(range: ByteRange): number {
  return Math.max(0, range.end - range.start + 1);
}

export function totalLength(ranges: readonly ByteRange[]): number {
  return ranges.reduce((sum, range) => sum + rangeLength(range), 0);
}

/** Sorted, with overlapping and touching ranges joined and empty ones dropped. Never aliases the input. */
export function mergeRanges(ranges: readonly ByteRange[]): ByteRange[] {
  const sorted = ranges.filter((r) => r.end >= r.start).sort((a, b) => a.start - b.start);
  const merged: ByteRange[] = [];
  for (const { start, end } of sorted) {
    const last = merged.at(-1);
    // `end + 1` joins touching ranges: 0-9 and 10-19 are one run of bytes.
    if (last && start <= last.end + 1) last.end = Math.max(last.end, end);
    else merged.push({ start, end });
  }
  return merged;
}

/** The parts of `total` that `done` does not cover, in order. */
export function subtractRanges(total: ByteRange, done: readonly ByteRange[]): ByteRange[] {
  const gaps: ByteRange[] = [];
  let next = total.start;
  for (const range of mergeRanges(done)) {
    if (range.end < next) continue;
    if (range.start > total.end) break;
    if (range.start > next) gaps.push({ start: next, end: range.start - 1 });
    next = range.end + 1;
  }
  if (next <= total.end) gaps.push({ start: next, end: total.end });
  return gaps;
}

/** `done` with `range` added, as a new merged list. */
export function addRange(done: readonly ByteRange[], range: ByteRange): ByteRange[] {
  return mergeRanges([...done, range]);
}
