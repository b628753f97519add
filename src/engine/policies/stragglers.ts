import { speedOf } from './estimates';
import type { ConnectionView } from './view';

/** A connection below this share of the others' median speed... */
const STRAGGLER_SHARE = 0.3;
/**
 * ...for this long is restarted from its written offset on a new connection. Evidence comes sooner the slower it
 * is: at a tenth of that share it takes a tenth as long, but never less than STRAGGLER_MIN_MS.
 */
const STRAGGLER_MS = 3000;
const STRAGGLER_MIN_MS = 500;
/** A response is judged only after it has been arriving this long. */
const STRAGGLER_GRACE_MS = 500;
/** Restarts per session, at most, per connection allowed: a server slow everywhere does not cause churn. */
const RESTARTS_PER_CONNECTION = 4;

/**
 * Straggler restarts: a connection far slower than the others' median for a while is restarted from its
 * written offset (a new request, a new socket, which a server often serves at its usual rate). Remembers since
 * when each request has been slow; `update` returns the connections to restart now.
 */
export class StragglerPolicy {
  private readonly slowSince = new Map<string, number>();
  private restarts = 0;

  constructor(private readonly maxConnections: number) {}

  update<C extends ConnectionView>(connections: readonly C[], nowMs: number, startupSeconds: number): C[] {
    this.forgetEnded(connections);
    const bound = this.maxConnections * RESTARTS_PER_CONNECTION;
    if (this.restarts >= bound) return [];
    const receiving = connections.filter(
      (c) => c.claim && c.hasRequest && c.receivingSinceMs !== null && !c.racing,
    );
    if (receiving.length < 3) return [];
    const speeds = new Map(receiving.map((c) => [c, speedOf(c, nowMs)]));
    const restart: C[] = [];
    for (const c of receiving) {
      const key = requestKey(c);
      const speed = speeds.get(c) ?? 0;
      const others = receiving
        .filter((o) => o !== c)
        .map((o) => speeds.get(o) ?? 0)
        .filter((s) => s > 0)
        .sort((a, b) => a - b);
      const median = others[Math.floor(others.length / 2)] ?? 0;
      const claim = c.claim!;
      const left = claim.end - claim.pos + 1;
      const judged = nowMs - (c.receivingSinceMs ?? nowMs) >= STRAGGLER_GRACE_MS && others.length >= 2;
      // Worth it only if a new connection at the median speed would save real time.
      const worth = median > 0 && left / Math.max(speed, 1) > left / median + startupSeconds + 1;
      if (!judged || !worth || speed >= STRAGGLER_SHARE * median) {
        this.slowSince.delete(key);
        continue;
      }
      const since = this.slowSince.get(key) ?? nowMs;
      this.slowSince.set(key, since);
      const share = speed / (STRAGGLER_SHARE * median);
      if (nowMs - since >= Math.max(STRAGGLER_MIN_MS, STRAGGLER_MS * share) && this.restarts < bound) {
        this.slowSince.delete(key);
        this.restarts++;
        restart.push(c);
      }
    }
    return restart;
  }

  /** A request that ended is judged afresh: its connection's next request starts with a clean record. */
  private forgetEnded(connections: readonly ConnectionView[]): void {
    const open = new Set(connections.map(requestKey));
    for (const key of this.slowSince.keys()) if (!open.has(key)) this.slowSince.delete(key);
  }
}

function requestKey(c: ConnectionView): string {
  return `${c.id}:${c.requestsEnded}`;
}
