import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeepAlive, type KeepAliveApi } from '../../src/background/keep-alive';

function fakeApi(): KeepAliveApi & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    ping: async () => calls.push('ping'),
    arm: async () => void calls.push('arm'),
    disarm: async () => void calls.push('disarm'),
  };
}

describe('KeepAlive', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('while active, pings every 20 s and keeps the wake alarm; idle again, stops both', () => {
    const api = fakeApi();
    const keepAlive = new KeepAlive(api);
    keepAlive.set(true);
    keepAlive.set(true); // progress reports call it often: one alarm, one timer
    vi.advanceTimersByTime(60_000);
    expect(api.calls).toEqual(['arm', 'ping', 'ping', 'ping']);
    keepAlive.set(false);
    keepAlive.set(false);
    vi.advanceTimersByTime(60_000);
    expect(api.calls).toEqual(['arm', 'ping', 'ping', 'ping', 'disarm']);
    expect(keepAlive.active).toBe(false);
  });

  it('clears an alarm left by a worker that was stopped while busy, on its first idle report', () => {
    const api = fakeApi();
    const keepAlive = new KeepAlive(api);
    keepAlive.set(false);
    keepAlive.set(false);
    expect(api.calls).toEqual(['disarm']);
  });
});
