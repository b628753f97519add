import { DownloadError, HttpStatusError, RedirectedError, RetriesExhaustedError } from '../errors';
import { classifyFailure } from '../failure';
import { retryDelay } from '../retry-policy';
import type { Connection } from './connection';
import type { SessionContext } from './context';

/**
 * What a failed request leads to in a range session, as failure.ts classifies it: a retry after a backoff, the
 * same with fewer connections (the host's cap lowered for every download to it), a renewal of the link from the
 * original URL (the URL it resolved to refused or redirected), the end of this connection alone (a refusal while
 * others receive), or the end of the session. Retries are bounded per connection (`attempt`) and per session; a
 * renewal is one request, and one that fails ends the connection or the session (LinkExpiredError).
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
      othersReceiving: this.othersReceiving(connection) > 0,
    });
    if (action.kind === 'fail-job' || !(error instanceof DownloadError)) {
      s.fail(error);
      return false;
    }
    if (action.kind === 'drop-connection') {
      this.drop(connection, action.status);
      return false;
    }
    this.failures++;
    if (attempt >= retry.attempts || this.failures > retry.attempts * s.o.maxConnections * 2) {
      s.fail(new RetriesExhaustedError(attempt, error));
      return false;
    }
    let delayMs: number;
    if (action.kind === 'refresh-url') {
      // A URL another connection renewed since this request was sent is tried as it is; else this one renews it.
      const failedUrl =
        error instanceof HttpStatusError || error instanceof RedirectedError ? error.url : null;
      if (failedUrl === null || failedUrl === s.segmentUrl) connection.refreshing = true;
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

  /** Connections of the session other than `connection` whose responses are arriving. */
  private othersReceiving(connection: Connection): number {
    let count = 0;
    for (const c of this.s.connections.values()) if (c !== connection && c.state === 'receiving') count++;
    return count;
  }

  /**
   * This connection was refused while others receive (a link that serves one request, a host that serves this
   * download only so many): it ends, and the download keeps to the connections that receive. The host's cap is
   * left alone: it is this download's link that said no, not the host to every download.
   */
  private drop(connection: Connection, status: number): void {
    const { s } = this;
    s.ramp.stop();
    const lowered = Math.max(1, Math.min(s.allowed, this.othersReceiving(connection)));
    if (lowered < s.allowed) {
      s.allowed = lowered;
      s.o.onConnectionsLowered(lowered, status);
    }
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
