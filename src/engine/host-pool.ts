import type { ConnectionPool, Slot } from './types';

/**
 * Connections per host, shared by every download to that host: at most `maxPerHost` at once (Chromium itself
 * allows 6 per host over HTTP/1.1), and fewer once a host has said so (429, 503, refused connections). What a host
 * taught is remembered for the pool's life and reported through `onLearned` so the caller can persist it.
 *
 * A connection holds a slot from before its request is sent until its response is done; waiting requests get
 * slots in the order they asked.
 */
export interface HostPoolOptions {
  maxPerHost: number;
  /** Caps learned earlier (e.g. in a previous browser session), by host. */
  learned?: Readonly<Record<string, number>>;
  onLearned?: (host: string, cap: number) => void;
}

export type { Slot } from './types';

interface HostState {
  active: number;
  learned: number | null;
  /** Times the cap was lowered. */
  epoch: number;
  waiters: { grant: () => void }[];
}

export class HostPool implements ConnectionPool {
  private maxPerHost: number;
  private readonly hosts = new Map<string, HostState>();

  constructor(private readonly o: HostPoolOptions) {
    this.maxPerHost = Math.max(1, Math.floor(o.maxPerHost));
    for (const [host, cap] of Object.entries(o.learned ?? {})) {
      if (Number.isInteger(cap) && cap >= 1) this.state(host).learned = cap;
    }
  }

  /** The host part of a URL, the pool's key ("" when the URL does not parse). */
  static hostOf(url: string): string {
    try {
      return new URL(url).host;
    } catch {
      return '';
    }
  }

  /** Connections `host` may have at once now. */
  cap(host: string): number {
    const learned = this.hosts.get(host)?.learned ?? null;
    return Math.max(1, Math.min(this.maxPerHost, learned ?? Number.POSITIVE_INFINITY));
  }

  /** Whether `host` has refused connections (its cap is one it taught). */
  limits(host: string): boolean {
    return (this.hosts.get(host)?.learned ?? null) !== null;
  }

  /** What the pool has learned, by host. */
  learnedCaps(): Record<string, number> {
    const caps: Record<string, number> = {};
    for (const [host, s] of this.hosts) if (s.learned !== null) caps[host] = s.learned;
    return caps;
  }

  active(host: string): number {
    return this.hosts.get(host)?.active ?? 0;
  }

  setMaxPerHost(maxPerHost: number): void {
    this.maxPerHost = Math.max(1, Math.floor(maxPerHost));
    for (const host of this.hosts.keys()) this.grant(host);
  }

  /** Waits for a slot to `host`; rejects with the signal's reason if it aborts first. */
  acquire(host: string, signal?: AbortSignal): Promise<Slot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const state = this.state(host);
    return new Promise<Slot>((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          state.active++;
          resolve(this.slot(host, state));
        },
      };
      const onAbort = () => {
        const i = state.waiters.indexOf(waiter);
        if (i >= 0) state.waiters.splice(i, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      state.waiters.push(waiter);
      this.grant(host);
    });
  }

  /**
   * The host refused the connection holding `refused` (429, 503, connection refused): from now on it gets as
   * many connections as it had besides that one (at least one, and always fewer than before). A refusal of a
   * request sent before the last lowering still tells that the host refused the n-th connection it then had:
   * the cap drops below n if it is not already (requests sent together and refused together teach the limit at
   * once, not one refusal round at a time). Returns the cap.
   */
  lower(host: string, refused?: Slot): number {
    const state = this.state(host);
    const current = this.cap(host);
    const stale = refused !== undefined && refused.epoch < state.epoch;
    const cap = stale
      ? Math.max(1, Math.min(current, refused.position - 1))
      : Math.max(1, Math.min(state.active - (refused ? 1 : 0), current - 1));
    if (cap < current) {
      state.learned = cap;
      state.epoch++;
      this.o.onLearned?.(host, cap);
    }
    return this.cap(host);
  }

  private slot(host: string, state: HostState): Slot {
    let released = false;
    return {
      epoch: state.epoch,
      position: state.active,
      release: () => {
        if (released) return;
        released = true;
        state.active--;
        this.grant(host);
      },
    };
  }

  private grant(host: string): void {
    const state = this.state(host);
    while (state.waiters.length > 0 && state.active < this.cap(host)) state.waiters.shift()?.grant();
  }

  private state(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) {
      state = { active: 0, learned: null, epoch: 0, waiters: [] };
      this.hosts.set(host, state);
    }
    return state;
  }
}
