import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SnapshotHub } from '../../src/background/snapshots';
import type { Runtime } from '../../src/shared/browser-api';
import type { Snapshot } from '../../src/shared/job-view';

/**
 * The popups' feed: a snapshot on connect, then at most one every 250 ms (4 Hz) however often jobs change, and
 * never a change left unsent. On an injected (fake) clock.
 */

function fakePort() {
  const posted: Snapshot[] = [];
  const disconnects: (() => void)[] = [];
  const port = {
    postMessage: (message: Snapshot) => posted.push(message),
    onDisconnect: { addListener: (listener: () => void) => disconnects.push(listener) },
  } as unknown as Runtime.Port;
  return {
    port,
    posted,
    disconnect: () => {
      for (const listener of disconnects) listener();
    },
  };
}

describe('SnapshotHub', () => {
  let built = 0;
  const build = async (): Promise<Snapshot> => ({ jobs: [], skipped: [], n: ++built }) as unknown as Snapshot;

  beforeEach(() => {
    built = 0;
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('sends one snapshot on connect, then at most 4 a second under a stream of changes', async () => {
    const hub = new SnapshotHub(build);
    const { port, posted } = fakePort();
    hub.connect(port);
    await vi.advanceTimersByTimeAsync(0);
    expect(posted).toHaveLength(1);
    // 100 changes, one every 10 ms, for a second.
    for (let i = 0; i < 100; i++) {
      hub.changed();
      await vi.advanceTimersByTimeAsync(10);
    }
    const duringTheSecond = posted.length - 1;
    expect(duringTheSecond).toBeGreaterThanOrEqual(3);
    expect(duringTheSecond).toBeLessThanOrEqual(4);
    // The last change is not lost: it goes out within one interval.
    await vi.advanceTimersByTimeAsync(250);
    expect(posted.length - 1).toBeLessThanOrEqual(5);
    expect((posted.at(-1) as unknown as { n: number }).n).toBe(built);
    // Quiet: nothing more is sent.
    const settled = posted.length;
    await vi.advanceTimersByTimeAsync(2000);
    expect(posted).toHaveLength(settled);
  });

  it('a single change reaches the popup within 250 ms', async () => {
    const hub = new SnapshotHub(build);
    const { port, posted } = fakePort();
    hub.connect(port);
    await vi.advanceTimersByTimeAsync(0);
    hub.changed();
    await vi.advanceTimersByTimeAsync(249);
    expect(posted).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(posted).toHaveLength(2);
  });

  it('builds nothing while no popup is open, and stops sending to a closed one', async () => {
    const hub = new SnapshotHub(build);
    hub.changed();
    await vi.advanceTimersByTimeAsync(1000);
    expect(built).toBe(0);
    const { port, posted, disconnect } = fakePort();
    hub.connect(port);
    await vi.advanceTimersByTimeAsync(0);
    disconnect();
    hub.changed();
    await vi.advanceTimersByTimeAsync(1000);
    expect(posted).toHaveLength(1);
  });
});
