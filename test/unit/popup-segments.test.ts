import { describe, expect, it } from 'vitest';
import type { ConnectionProgress } from '../../src/engine/types';
import { segmentSpans, segmentTotals } from '../../src/popup/segment-geometry';
import { coarsen, segmentMapOf } from '../../src/shared/segment-map';

const MIB = 1024 * 1024;

function connection(
  start: number,
  end: number,
  receivedBytes: number,
  state = 'receiving',
): ConnectionProgress {
  return {
    id: start,
    state,
    range: { start, end },
    receivedBytes,
    speedBytesPerSecond: 1,
  } as ConnectionProgress;
}

describe('the segment map', () => {
  it('draws fetching, received and stored spans in whole pixels, in layer order', () => {
    const map = {
      stored: [{ start: 0, end: 25 * MIB - 1 }],
      fetching: [{ start: 25 * MIB, end: 50 * MIB - 1, receivedBytes: 5 * MIB }],
    };
    expect(segmentSpans(map, 100 * MIB, 100)).toEqual([
      { kind: 'fetching', x: 25, width: 25 },
      { kind: 'received', x: 25, width: 5 },
      { kind: 'stored', x: 0, width: 25 },
    ]);
    expect(segmentTotals(map, 100 * MIB)).toEqual({ stored: 25 * MIB, connections: 1 });
  });

  it('keeps a tiny range visible as one pixel, and stays inside the bar', () => {
    const map = { stored: [{ start: 100 * MIB - 1, end: 100 * MIB - 1 }], fetching: [] };
    expect(segmentSpans(map, 100 * MIB, 400)).toEqual([{ kind: 'stored', x: 399, width: 1 }]);
    const small = { stored: [{ start: 10, end: 20 }], fetching: [{ start: 50, end: 60, receivedBytes: 0 }] };
    expect(segmentSpans(small, 100 * MIB, 400)).toEqual([
      { kind: 'fetching', x: 0, width: 1 },
      { kind: 'stored', x: 0, width: 1 },
    ]);
  });

  it('draws nothing for an unknown or empty size, and ignores ranges past the end', () => {
    const map = { stored: [{ start: 0, end: 9 }], fetching: [] };
    expect(segmentSpans(map, 0, 100)).toEqual([]);
    expect(segmentSpans(map, 10, 0)).toEqual([]);
    expect(segmentSpans({ stored: [{ start: 20, end: 30 }], fetching: [] }, 10, 100)).toEqual([]);
  });

  it('is built from the stored ranges and the connections that are not retrying', () => {
    const map = segmentMapOf(
      [{ start: 0, end: 99 }],
      [connection(100, 199, 50), connection(200, 299, 500), connection(300, 399, 0, 'retrying')],
      1000,
    );
    expect(map).toEqual({
      stored: [{ start: 0, end: 99 }],
      fetching: [
        { start: 100, end: 199, receivedBytes: 50 },
        { start: 200, end: 299, receivedBytes: 100 },
      ],
    });
  });

  it('merges stored ranges across small gaps when there are more than the map can show', () => {
    const ranges = Array.from({ length: 10 }, (_, i) => ({ start: i * 10, end: i * 10 + 8 }));
    expect(coarsen(ranges, 100, 20)).toHaveLength(10);
    expect(coarsen(ranges, 100, 5)).toEqual([{ start: 0, end: 98 }]);
    const apart = [
      { start: 0, end: 8 },
      { start: 500, end: 508 },
      { start: 10, end: 18 },
    ];
    expect(coarsen(apart, 100, 2)).toEqual([
      { start: 0, end: 18 },
      { start: 500, end: 508 },
    ]);
  });
});
