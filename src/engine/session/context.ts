import { DownloadError, NetworkError, StorageError } from '../errors';
import { HostPool } from '../host-pool';
import { nextStartupSeconds, splitHints } from '../policies/estimates';
import { FreshRequests } from '../policies/fresh-requests';
import { RampPolicy } from '../policies/ramp';
import { refreshRange } from '../refresh';
import type { RequestContext } from '../request';
import { type Claim, Scheduler, type SplitHints } from '../scheduler';
import { SpeedMeter } from '../speed-meter';
import type {
  Adaptations,
  ByteRange,
  ConnectionPool,
  HttpResponse,
  PieceSink,
  RemoteFile,
  RetryOptions,
  Slot,
  SpeedLimit,
} from '../types';
import { ifRangeValue } from '../validators';
import type { Connection, Race } from './connection';
import { openRange } from './ranged-request';

export interface RangeSessionOptions {
  ctx: RequestContext;
  sink: PieceSink;
  remote: RemoteFile & { size: number };
  missing: readonly ByteRange[];
  /** The probe's response, streaming from missing[0].start to `openedEnd`. */
  opened: HttpResponse;
  openedEnd: number;
  /** The probe's slot in the host pool, released when its response is done. */
  openedSlot: Slot | null;
  /** Aborts the probe's request (once its part is in, or when its connection is dropped). */
  openedAbort: AbortController | null;
  maxConnections: number;
  minSplitBytes: number;
  /** Connections per host, shared with other downloads; 429/503/refusals teach it a lower cap. */
  pool: ConnectionPool;
  /** Speed limits (the download's own, an overall one); a limited download streams so reads can be paced. */
  limits: readonly SpeedLimit[];
  /** Start with the probe plus one connection and add more (x2) only while each step adds throughput. */
  ramp: boolean;
  /** One connection's speed measured before the download (0: none): what a new connection's pieces start at. */
  expectedBytesPerSecond: number;
  retry: RetryOptions;
  random: () => number;
  onBytes: (bytes: number) => void;
  onConnectionsLowered: (connections: number, status: number) => void;
  onRetry: (attempt: number, delayMs: number, error: DownloadError) => void;
  countRequest: () => void;
  /** Counters the session adds to. */
  adaptations: Adaptations;
}

/**
 * What a range session's parts share: the scheduler, the connections, where segments come from, what has been
 * delivered, and the services every transport uses (a validated ranged request, counting bytes, telling a
 * request's failure apart from its own abort). The session owns it; transports and the connection loop use it.
 */
export class SessionContext {
  readonly scheduler: Scheduler;
  readonly connections = new Map<number, Connection>();
  readonly ifRange: string | null;
  readonly ramp: RampPolicy;
  /** Stream mode: whether the server's responses start with a burst worth a fresh request each second. */
  readonly fresh = new FreshRequests();
  /**
   * Where ranges are fetched from, never following a redirect: the URL the link resolved to, then the one each
   * renewal of the link (refresh.ts) led to.
   */
  segmentUrl: string;
  /** Connections this download may run (its maximum, lowered when the host says fewer). */
  allowed: number;
  /** Seconds a new request takes to its first byte (an estimate). */
  startupSeconds = 0.05;
  /** The error that stops the session, once one does. */
  fatal: unknown = null;
  /** Bytes stored by this session, and when the last of them came. */
  delivered = 0;
  deliveredAtMs = 0;
  /** Pieces read whole whose storing is still under way (their connections have moved on). */
  private readonly stores = new Set<Promise<unknown>>();
  /** Races run against each claim (by id): a claim is raced a bounded number of times. */
  private readonly racedClaims = new Map<number, number>();

  constructor(readonly o: RangeSessionOptions) {
    this.scheduler = new Scheduler(o.missing);
    this.ifRange = ifRangeValue(o.remote);
    this.segmentUrl = o.remote.finalUrl;
    this.allowed = Math.max(1, Math.min(o.maxConnections, o.pool.cap(this.host)));
    this.ramp = new RampPolicy(o.ramp, this.allowed, o.ctx.clock.now(), o.sink.writeResponse !== undefined);
  }

  get host(): string {
    return HostPool.hostOf(this.segmentUrl);
  }

  /** Connections this download may run now. */
  get limit(): number {
    return Math.min(this.allowed, this.ramp.target);
  }

  now(): number {
    return this.o.ctx.clock.now();
  }

  /**
   * A ranged GET from where segments come from now, counted and validated (see ranged-request.ts); for a
   * connection the link stopped answering, from the original URL, which renews the link for every connection.
   */
  async openRange(
    connection: Connection,
    start: number,
    end: number,
    signal: AbortSignal,
  ): Promise<{ response: HttpResponse; end: number }> {
    this.o.countRequest();
    const { ctx, remote } = this.o;
    const request = { start, end, ifRange: this.ifRange, remote, signal };
    if (!connection.refreshing) {
      return openRange(ctx, { ...request, url: this.segmentUrl, redirect: 'manual' });
    }
    const renewed = await refreshRange(ctx, request);
    this.segmentUrl = renewed.url;
    connection.refreshing = false;
    return renewed;
  }

  takeSlot(connection: Connection, signal: AbortSignal): Promise<void> {
    return connection.takeSlot(this.o.pool, this.host, this.o.ctx.clock, signal);
  }

  /** A fresh request's first byte came `sentMs` after it was sent. */
  noteFirstByte(sentMs: number, nowMs: number): void {
    this.startupSeconds = nextStartupSeconds(this.startupSeconds, (nowMs - sentMs) / 1000);
  }

  /** Bytes stored: progress for the job and the ramp. */
  count(bytes: number, connection: Connection, nowMs: number): void {
    connection.bytes += bytes;
    this.delivered += bytes;
    this.deliveredAtMs = nowMs;
    this.o.onBytes(bytes);
  }

  /** Races run against a claim so far. */
  racesOf(claimId: number): number {
    return this.racedClaims.get(claimId) ?? 0;
  }

  countRace(claim: Claim): void {
    this.racedClaims.set(claim.id, this.racesOf(claim.id) + 1);
  }

  /** `racer` starts an endgame race for `owner`'s bytes from `from` on: both are marked, the racer gets a request. */
  beginRace(racer: Connection, owner: Connection, from: number): { race: Race; controller: AbortController } {
    const race: Race = { owner, racer, claim: owner.claim!, from, settled: false };
    owner.race = race;
    racer.race = race;
    const controller = new AbortController();
    racer.open(controller, true);
    racer.meter = new SpeedMeter();
    return { race, controller };
  }

  /**
   * What a failed request throws: the reason its own abort gave (a restart, a lost race, the watchdog), the
   * error as is when the job stopped or it is already classified, else a network error (a body that failed
   * mid-way: reset, truncated), worth a retry.
   */
  failureOf(error: unknown, controller: AbortController): unknown {
    const { signal } = this.o.ctx;
    if (controller.signal.aborted && !signal.aborted) return controller.signal.reason;
    if (signal.aborted || error instanceof DownloadError) return error;
    return new NetworkError(this.segmentUrl, error);
  }

  /** Tracks a piece being stored in the background; a failure to store stops the session. */
  storing(store: Promise<boolean>): void {
    const tracked: Promise<unknown> = store
      .catch((error: unknown) => this.fail(error instanceof DownloadError ? error : new StorageError(error)))
      .finally(() => this.stores.delete(tracked));
    this.stores.add(tracked);
  }

  /** Resolves once every piece read has been stored (or has failed). */
  async storesSettled(): Promise<void> {
    while (this.stores.size > 0) await Promise.all([...this.stores]);
  }

  /** Stops the session: every request is aborted with `error`, which the session then throws. */
  fail(error: unknown): void {
    if (this.fatal) return;
    this.fatal = error;
    for (const c of this.connections.values()) c.controller?.abort(error);
  }

  /** The strictest speed limit in force (bytes per second), or null. */
  limitRate(): number | null {
    let rate: number | null = null;
    for (const l of this.o.limits) {
      const r = l.bytesPerSecond;
      if (r !== null) rate = rate === null ? r : Math.min(rate, r);
    }
    return rate;
  }

  hints(raceTails: boolean): SplitHints {
    return splitHints(this.connections.values(), this.now(), {
      minSplitBytes: this.o.minSplitBytes,
      startupSeconds: this.startupSeconds,
      raceTails,
    });
  }
}
