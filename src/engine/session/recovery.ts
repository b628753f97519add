import { DownloadError, RetriesExhaustedError } from '../errors';
import { classifyFailure } from '../failure';
import { retryDelay } from '../retry-policy';
import type { Connection } from './connection';
import type { SessionContext } from './context';

/**
 * What a failed request leads to in a range session, as failure.ts classifies it: a retry after a backoff, the
 * same with fewer connections (the host's cap lowered for every download to it), a retry from the original URL
 * (a redirect target that stopped answering), or the end of the session. Retries are bounded per connection
 * (`attempt`) and per session.
 */
export class Recovery {
  private failures = 0;

  constructor(private readonly s: SessionContext) {}

  /** Carries out what `error` calls for. Resolves to false when the connection should stop. */
  async recover(connection: Connection, error: unknown, attempt: number): Promise<boolean> {
    const { s } = this;
    const { ctx, retry, remote } = s.o;
    if (ctx.signal.aborted) return false;
    const action = classifyFailure(error, {
      originalUrl: remote.url,
      othersReceiving: [...s.connections.values()].some((c) => c.state === 'receiving'),
    });
    if (action.kind === 'fail-job' || !(error instanceof DownloadError)) {
      s.fail(error);
      return false;
    }
    this.failures++;
    if (attempt >= retry.attempts || this.failures > retry.attempts * s.o.maxConnections * 2) {
      s.fail(new RetriesExhaustedError(attempt, error));
      return false;
    }
    let delayMs: number;
    if (action.kind === 'refresh-url') {
      // The original URL redirects afresh; every connection fetches from it from now on.
      s.segmentUrl = remote.url;
      delayMs = 0;
    } else {
      if (action.kind === 'fewer-connections' && !this.fewer(connection, action.status)) return false;
      delayMs = retryDelay(attempt, retry, s.o.random, action.retryAfterMs);
    }
    connection.state = 'retrying';
    s.o.onRetry(attempt, delayMs, error);
    if (connection.claim) s.scheduler.release(connection.claim);
    connection.claim = null;
    if (delayMs > 0) await ctx.clock.sleep(delayMs, ctx.signal).catch(() => {});
    return !ctx.signal.aborted;
  }

  /**
   * The host said "fewer connections": it keeps the ones it is serving, for every download to it. The pool
   * decides from the connections the host is serving (a refusal of a request sent before the last lowering says
   * nothing new); this download keeps at most that many. False when this connection is one too many.
   */
  private fewer(connection: Connection, status: number): boolean {
    const { s } = this;
    const hostCap = s.o.pool.lower(s.host, connection.slot ?? undefined);
    const lowered = Math.max(1, Math.min(s.allowed, hostCap));
    s.ramp.stop();
    if (lowered < s.allowed) {
      s.allowed = lowered;
      s.o.onConnectionsLowered(lowered, status);
    }
    return s.connections.size <= s.limit;
  }
}
