import { checkRangeResponse } from './content-range';
import {
  ContentRangeError,
  DownloadError,
  HttpStatusError,
  NetworkError,
  NoRangesError,
  ResourceChangedError,
  RetriesExhaustedError,
  StorageError,
  TruncatedBodyError,
} from './errors';
import { HostPool, type Slot } from './host-pool';
import { pump } from './pump';
import { paceAll, type RateLimiter } from './rate-limiter';
import { type RequestContext, rangeHeaders, send, statusError } from './request';
import { retryDelay } from './retry-policy';
import { type Claim, Scheduler } from './scheduler';
import { SpeedMeter } from './speed-meter';
import type {
  Adaptations,
  ByteRange,
  ConnectionProgress,
  HttpResponse,
  PieceSink,
  RemoteFile,
  RetryOptions,
} from './types';
import { ifRangeValue, isWeakEtag } from './validators';

export interface RangeSessionOptions {
  ctx: RequestContext;
  sink: PieceSink;
  remote: RemoteFile & { size: number };
  missing: ByteRange[];
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
  pool: HostPool;
  /** Speed limits (the download's own, an overall one); a limited download streams so reads can be paced. */
  limits: readonly RateLimiter[];
  /** Start with the probe plus one connection and add more (x2) only while each step adds throughput. */
  ramp: boolean;
  retry: RetryOptions;
  random: () => number;
  onBytes: (bytes: number) => void;
  onConnectionsLowered: (connections: number, status: number) => void;
  onRetry: (attempt: number, delayMs: number, error: DownloadError) => void;
  countRequest: () => void;
  /** Counters the session adds to. */
  adaptations: Adaptations;
}

interface Worker {
  id: number;
  claim: Claim | null;
  state: ConnectionProgress['state'];
  meter: SpeedMeter;
  controller: AbortController | null;
  lastDataMs: number;
  /** Extra time the watchdog allows a whole-response piece in flight, whose bytes arrive unseen. */
  allowanceMs: number;
  /** This connection's slot in the host pool while a request is open. */
  slot: Slot | null;
  /** The current response was read to its end (otherwise its connection is cut when the request ends). */
  readWhole: boolean;
  /** When the current response started to arrive (null when none is). */
  receivingSinceMs: number | null;
  /** Since when this connection has been far slower than the others (null when it is not). */
  slowSinceMs: number | null;
  /** An endgame race on this connection's bytes, whichever side of it this connection is. */
  race: Race | null;
  /** Bytes this connection has delivered. */
  bytes: number;
  /** Piece mode: the rate of the last piece received, and when that piece's first byte came. */
  pieceRate: number;
  pieceStartMs: number;
}

/**
 * An endgame race: a free connection asks again for bytes a slow one is still fetching. The first to deliver
 * wins; the other is aborted. Stream mode races for the tail `[from, claim.end]` (the racer wins when its
 * answer arrives before the owner reaches `from`); piece mode races for the whole piece in flight (the first
 * response read whole is stored, the other is dropped unstored).
 */
interface Race {
  owner: Worker;
  racer: Worker;
  /** The owner's claim raced for. */
  claim: Claim;
  /** First byte the racer asked for. */
  from: number;
  /** A race for a whole piece in flight (else for a stream's tail). */
  piece: boolean;
  settled: boolean;
}

/** What one fetch of (part of) a claim achieved. */
interface FetchOutcome {
  /** Some bytes were stored. */
  progressed: boolean;
  /** The claim has bytes left that this connection should fetch next (piece mode). */
  more: boolean;
}

/** A slot of a connection cut short goes back to a host that limits connections this much later. */
const CUT_CLOSE_MS = 50;
/** How often a connection without work looks again for a range worth taking over. */
const IDLE_POLL_MS = 100;
/** Statuses that say "fewer connections, please". */
const BACKOFF_STATUSES = new Set([429, 503]);
/** Statuses after which segments go back to the URL the user gave, when a redirect target refuses. */
const FALLBACK_STATUSES = new Set([403, 404, 410]);
/** Piece mode: the first piece of a connection whose speed is not known yet (small: it may be a slow one). */
const FIRST_PIECE_BYTES = 256 * 1024;
/** Piece mode: the smallest piece worth a request (unless the claim has less left). */
const MIN_PIECE_BYTES = 256 * 1024;
/**
 * Piece mode: a piece is at most what its connection receives in about this long. A piece in flight cannot be
 * split, so this bounds how long a slow connection can hold the finish; it also lets the watchdog, which sees
 * no byte before the whole piece is in, tell a slow connection from a stalled one.
 */
const PIECE_SECONDS = 2;
/**
 * Piece mode, at the tail: a piece in flight this many times longer than a new request would take to fetch it is
 * given up (its connection is closed) so that an idle connection fetches it instead.
 */
const SLOW_PIECE_FACTOR = 3;
/** The abort reason of a piece given up for being slow (not counted as a failure). */
const SLOW_PIECE = Symbol('slow piece');
/** Piece mode: the rate a piece is allowed to take when its connection's speed is not known yet. */
const FLOOR_BYTES_PER_SECOND = 64 * 1024;
/** Piece mode under a speed limit: a piece is what the limit lets through in about this long. */
const LIMITED_PIECE_SECONDS = 0.5;
/** Piece mode while ramping up: short pieces, so each step's throughput shows quickly. */
const RAMP_PIECE_SECONDS = 0.15;
/** How often the session looks at its connections (ramp steps, stragglers, races). */
const MANAGE_MS = 25;
/** Ramp: throughput is measured over this long once a step's connections all receive. */
const RAMP_WINDOW_MS = 100;
/** Ramp: a step whose gain looks between these two (inconclusive on a short window)... */
const RAMP_CLEAR_GAIN_LOW = 0.95;
const RAMP_CLEAR_GAIN_HIGH = 1.4;
/** ...is measured this long instead. */
const RAMP_LONG_WINDOW_MS = 1000;
/** Ramp: a step whose total throughput is below this share of the last step's is measured again, longer. */
const RAMP_FALL = 0.9;
/** Ramp: the connections from before a step count as steady when they kept this share of their throughput. */
const RAMP_OLD_STEADY = 0.9;
/** Ramp: new connections that each deliver at least this share of what each earlier one does took a fair share. */
const RAMP_FAIR_SHARE = 0.5;
/** Ramp: a connection's first this-many ms of bytes are left out of a step's measurement. */
const RAMP_GRACE_MS = 30;
/** Ramp, piece mode: a step whose connections have not all received a piece within this long is measured anyway. */
const RAMP_PIECES_SETTLE_MS = 20_000;
/** Ramp: a step's connections that do not all receive within this long are measured anyway. */
const RAMP_SETTLE_MS = 2000;
/** Ramp: a step must add this much throughput for the next one to be tried. */
const RAMP_GAIN = 1.1;
/** Stragglers: a connection below this share of the others' median speed... */
const STRAGGLER_SHARE = 0.3;
/**
 * ...for this long is restarted from its written offset on a new connection. Evidence comes sooner the slower it
 * is: at a tenth of that share it takes a tenth as long, but never less than STRAGGLER_MIN_MS.
 */
const STRAGGLER_MS = 3000;
const STRAGGLER_MIN_MS = 500;
/** Stragglers: a response is judged only after it has been arriving this long. */
const STRAGGLER_GRACE_MS = 500;
/** Endgame: races start when at most this many pieces per connection are left. */
const ENDGAME_PIECES_PER_CONNECTION = 2;
/** Endgame: a race is worth it when the owner would finish this much later than the racer. */
const RACE_GAIN = 1.5;
/** Endgame: races against one claim, at most (a lost race is not retried forever). */
const MAX_RACES_PER_CLAIM = 2;
/** Abort reasons that are no failure: a straggler restarted, a race lost. */
const RESTART = Symbol('restart on a new connection');
const LOST_RACE = Symbol('lost an endgame race');

/**
 * Fetches the missing ranges of a file over parallel connections. Connections take work from the scheduler
 * until none is left; each failure is classified: request-scope errors back off and retry (bounded), 429/503
 * also lower the connection count, job-scope errors stop every connection and reject.
 *
 * Two ways to move bytes, chosen by the sink:
 * - stream mode (`sink.write` only): one request per claim, its body read here and written in batches;
 * - piece mode (`sink.writeResponse`): one request per piece of at most `preferredWriteBytes`, whose whole
 *   response goes to the sink (which may read it natively, never through this code). A connection fetches its
 *   claim piece after piece; the piece in flight is reserved in the scheduler so no split cuts into it. The
 *   probe's open-ended response cannot be a piece: its first piece is streamed, then it is cancelled.
 */
export class RangeSession {
  private readonly scheduler: Scheduler;
  private readonly workers = new Map<number, Worker>();
  private readonly ifRange: string | null;
  private segmentUrl: string;
  private allowed: number;
  private nextWorkerId = 1;
  private failures = 0;
  private startupSeconds = 0.05;
  private fatal: unknown = null;
  private readonly runs = new Set<Promise<void>>();
  /** Pieces read whole whose storing is still under way (their connections have moved on). */
  private readonly stores = new Set<Promise<unknown>>();
  /** Bytes stored by this session, for ramp measurements, and when the last of them came. */
  private delivered = 0;
  private deliveredAtMs = 0;
  /** Ramp-up state: the connection count being tried, and the throughput the last step reached. */
  private rampTarget: number;
  private ramping: boolean;
  private rampBaseline: number | null = null;
  private stepBeganMs: number;
  private stepStartMs: number | null = null;
  private stepStartBytes = 0;
  private stepStartDeliveredAtMs = 0;
  /** Connections with ids up to this one were there before the current ramp step, and what they had delivered. */
  private stepOldMaxId = 0;
  private stepOldStartBytes = 0;
  private restarts = 0;
  /** Aborted when the last request ends: connections waiting for work stop waiting. */
  private readonly idleWake = new AbortController();
  /** Races run against each claim (by id): a claim is raced a bounded number of times. */
  private readonly racedClaims = new Map<number, number>();

  constructor(private readonly o: RangeSessionOptions) {
    this.scheduler = new Scheduler(o.missing);
    this.ifRange = ifRangeValue(o.remote);
    this.segmentUrl = o.remote.finalUrl;
    this.allowed = Math.max(1, Math.min(o.maxConnections, o.pool.cap(this.host)));
    this.ramping = o.ramp && this.allowed > 2;
    this.rampTarget = this.ramping ? 2 : this.allowed;
    this.stepBeganMs = o.ctx.clock.now();
  }

  /** Connections this download may run now. */
  get limit(): number {
    return Math.min(this.allowed, this.rampTarget);
  }

  private get host(): string {
    return HostPool.hostOf(this.segmentUrl);
  }

  async run(): Promise<void> {
    const first = this.scheduler.claimPending();
    if (first) {
      this.scheduler.truncate(first, this.o.openedEnd);
      const others = this.inOrder()
        ? []
        : this.scheduler.splitEvenly(first, this.limit, this.o.minSplitBytes);
      this.spawn(first, this.o.opened, this.o.openedSlot, this.o.openedAbort);
      for (const claim of others) this.spawn(claim, null);
    } else {
      this.o.opened.body?.cancel().catch(() => {});
      this.o.openedAbort?.abort('done');
      this.o.openedSlot?.release();
    }
    // A bounded probe (piece mode) leaves the rest pending: the other starting connections share it evenly
    // (in order: each takes the next piece from the front).
    const rest = this.runs.size < this.limit && !this.inOrder() ? this.scheduler.claimPending() : null;
    if (rest) {
      const parts = this.scheduler.splitEvenly(rest, this.limit - this.runs.size, this.o.minSplitBytes);
      this.spawn(rest, null);
      for (const claim of parts) this.spawn(claim, null);
    }
    while (this.runs.size < this.limit) this.spawn(null, null);
    const stop = new AbortController();
    const managing = this.manage(stop.signal);
    try {
      while (this.runs.size > 0) await Promise.all([...this.runs]);
      // Connections that gave up (lowered count) may have left work behind; the remaining ones take it.
      while (!this.fatal && !this.scheduler.finished && !this.o.ctx.signal.aborted) {
        await this.runWorker(null, null);
      }
    } finally {
      stop.abort();
      await managing;
      // Every piece read is stored (or has failed) before the session ends.
      while (this.stores.size > 0) await Promise.all([...this.stores]);
    }
    if (this.fatal) throw this.fatal;
    if (this.o.ctx.signal.aborted) throw this.o.ctx.signal.reason;
  }

  private spawn(
    claim: Claim | null,
    opened: HttpResponse | null,
    slot: Slot | null = null,
    abort: AbortController | null = null,
  ): void {
    const a = this.o.adaptations;
    a.peakConnections = Math.max(a.peakConnections, this.runs.size + 1);
    const run: Promise<void> = this.runWorker(claim, opened, slot, abort).finally(() =>
      this.runs.delete(run),
    );
    this.runs.add(run);
  }

  /** Every MANAGE_MS until the session ends: ramp steps, straggler restarts, lost races. */
  private async manage(stop: AbortSignal): Promise<void> {
    const { clock, signal } = this.o.ctx;
    while (!stop.aborted && !signal.aborted) {
      await clock.sleep(MANAGE_MS, stop).catch(() => {});
      if (stop.aborted || this.fatal) return;
      const now = clock.now();
      this.rampStep(now);
      this.restartStragglers(now);
      this.abortLostRaces();
    }
  }

  /**
   * Ramp-up: the probe plus one connection, then twice as many at each step while a step raises throughput by
   * RAMP_GAIN or more; the first step that does not stops the ramp where it is.
   */
  private rampStep(now: number): void {
    if (!this.ramping) return;
    if (this.rampTarget >= this.allowed || this.scheduler.remainingBytes() === 0) {
      this.ramping = false;
      return;
    }
    if (this.pieceMode()) {
      this.rampStepByPieces(now);
      return;
    }
    if (this.stepStartMs === null) {
      // Measured once the step's connections all receive, past their first bytes (a response's start comes in
      // a burst: what the socket buffered before it was read, a server's initial allowance).
      const settled = [...this.workers.values()].filter(
        (w) => w.state === 'receiving' && now - (w.receivingSinceMs ?? now) >= RAMP_GRACE_MS,
      ).length;
      if (settled < this.limit && now - this.stepBeganMs < RAMP_SETTLE_MS) return;
      this.stepStartMs = now;
      this.stepStartBytes = this.delivered;
      this.stepStartDeliveredAtMs = this.deliveredAtMs;
      this.stepOldStartBytes = this.oldBytes();
      return;
    }
    const elapsedMs = now - this.stepStartMs;
    if (elapsedMs < RAMP_WINDOW_MS) return;
    // Bytes come in bursts (a server's writes, the socket's reads): counted from one arrival to another, a short
    // window holds whole bursts, where counted from tick to tick it would be a burst off either way.
    const spanMs = this.deliveredAtMs - this.stepStartDeliveredAtMs;
    const windowMs = spanMs >= elapsedMs / 2 ? spanMs : elapsedMs;
    const rate = ((this.delivered - this.stepStartBytes) * 1000) / windowMs;
    // What the connections from before the step delivered meanwhile: measured over the same (longer) window
    // as `rate`, it is a truer baseline than the last step's short one, unless they slowed down (a shared
    // bottleneck), which the last step's baseline shows.
    const oldRate = ((this.oldBytes() - this.stepOldStartBytes) * 1000) / windowMs;
    const last = this.rampBaseline;
    // Throughput that fell as connections were added says more about the last measurement than about the step:
    // servers that meter per response let each one start with a burst (nginx's limit_rate sends about a
    // second's worth at once), which the last step's short window took for throughput.
    const fell = last !== null && rate < RAMP_FALL * last;
    const baseline =
      last === null
        ? null
        : oldRate >= RAMP_OLD_STEADY * last
          ? Math.min(last, oldRate)
          : fell || !this.newcomersTookFairShare(rate, oldRate)
            ? oldRate
            : last; // the earlier connections slowed as the newcomers took their share: a shared bottleneck
    // A short window tells a clear gain (or none) apart; a gain near the threshold, or a fall, is measured longer.
    const gain = baseline === null ? Number.POSITIVE_INFINITY : rate / Math.max(baseline, 1);
    const unclear = fell || (gain > RAMP_CLEAR_GAIN_LOW && gain < RAMP_CLEAR_GAIN_HIGH);
    if (unclear && elapsedMs < RAMP_LONG_WINDOW_MS) return;
    if (baseline !== null && rate < baseline * RAMP_GAIN) {
      this.ramping = false;
      return;
    }
    this.nextRampStep(rate, now);
  }

  /**
   * Whether the step's new connections each delivered about what each earlier one did. A bottleneck the
   * connections share splits it about evenly, so earlier connections that slowed while newcomers got a fair
   * share point to one; newcomers far slower than them point to slow connections of their own, and the earlier
   * ones' fall to a burst the last step's short window took for throughput.
   */
  private newcomersTookFairShare(rate: number, oldRate: number): boolean {
    let old = 0;
    for (const w of this.workers.values()) if (w.id <= this.stepOldMaxId) old += 1;
    const fresh = this.workers.size - old;
    if (old === 0 || fresh === 0) return true;
    return (rate - oldRate) / fresh >= RAMP_FAIR_SHARE * (oldRate / old);
  }

  /** Bytes delivered so far by the connections that were there before the current ramp step. */
  private oldBytes(): number {
    let bytes = 0;
    for (const w of this.workers.values()) if (w.id <= this.stepOldMaxId) bytes += w.bytes;
    return bytes;
  }

  /**
   * Ramp in piece mode, where bytes show only as whole pieces: a step is measured once each of its connections
   * has received a piece asked for after the step began; the step's throughput is the sum of those pieces' rates.
   */
  private rampStepByPieces(now: number): void {
    const fresh = [...this.workers.values()].filter((w) => w.pieceStartMs >= this.stepBeganMs);
    // Slow connections take long over a piece: wait for all of them (within reason), and when some are still
    // out, count them at the others' mean rather than as nothing.
    if (fresh.length < this.limit && now - this.stepBeganMs < RAMP_PIECES_SETTLE_MS) return;
    if (fresh.length === 0) return;
    const sum = fresh.reduce((total, w) => total + w.pieceRate, 0);
    const rate = (sum / fresh.length) * Math.max(fresh.length, Math.min(this.limit, this.workers.size));
    if (this.rampBaseline !== null && rate < this.rampBaseline * RAMP_GAIN) {
      this.ramping = false;
      return;
    }
    this.nextRampStep(rate, now);
  }

  private nextRampStep(rate: number, now: number): void {
    this.rampBaseline = rate;
    this.stepOldMaxId = this.nextWorkerId - 1;
    this.rampTarget = Math.min(this.allowed, this.rampTarget * 2);
    this.stepStartMs = null;
    this.stepBeganMs = now;
    while (this.runs.size < this.limit) this.spawn(null, null);
  }

  /**
   * A connection far slower than the others' median for a while is restarted from its written offset: its
   * request is aborted (not a failure), its bytes go back to pending and a new request (a new socket) takes
   * them. Bounded per session so a server that is slow everywhere does not cause churn.
   */
  private restartStragglers(now: number): void {
    if (this.restarts >= this.o.maxConnections * 4) return;
    const receiving = [...this.workers.values()].filter(
      (w) => w.claim && w.controller && w.receivingSinceMs !== null && w.race === null,
    );
    if (receiving.length < 3) return;
    const speeds = new Map(receiving.map((w) => [w, this.speedOf(w, now)]));
    for (const w of receiving) {
      const speed = speeds.get(w) ?? 0;
      const others = receiving
        .filter((o) => o !== w)
        .map((o) => speeds.get(o) ?? 0)
        .filter((s) => s > 0)
        .sort((a, b) => a - b);
      const median = others[Math.floor(others.length / 2)] ?? 0;
      const claim = w.claim!;
      const left = claim.end - claim.pos + 1;
      const judged = now - (w.receivingSinceMs ?? now) >= STRAGGLER_GRACE_MS && others.length >= 2;
      // Worth it only if a new connection at the median speed would save real time.
      const worth = median > 0 && left / Math.max(speed, 1) > left / median + this.startupSeconds + 1;
      if (!judged || !worth || speed >= STRAGGLER_SHARE * median) {
        w.slowSinceMs = null;
        continue;
      }
      w.slowSinceMs ??= now;
      const share = speed / (STRAGGLER_SHARE * median);
      if (now - w.slowSinceMs >= Math.max(STRAGGLER_MIN_MS, STRAGGLER_MS * share)) {
        w.slowSinceMs = null;
        this.restarts++;
        this.o.adaptations.stragglerRestarts++;
        w.controller?.abort(RESTART);
      }
    }
  }

  /** Stream mode: a racer still waiting for its answer loses once the owner has reached the racer's range. */
  private abortLostRaces(): void {
    for (const w of this.workers.values()) {
      const race = w.race;
      // (A piece race ends when either copy is read whole: the first to commit aborts the other.)
      if (!race || race.racer !== w || race.settled || race.piece) continue;
      const claim = race.claim;
      if (!this.scheduler.holds(claim) || claim.pos >= race.from || claim.end < race.from) {
        race.settled = true;
        w.controller?.abort(LOST_RACE);
      }
    }
  }

  connections(nowMs: number): ConnectionProgress[] {
    const list: ConnectionProgress[] = [];
    for (const w of this.workers.values()) {
      if (!w.claim) continue;
      list.push({
        id: w.id,
        state: w.state,
        range: { start: w.claim.start, end: w.claim.end },
        receivedBytes: w.claim.pos - w.claim.start,
        speedBytesPerSecond: w.meter.rate(nowMs),
      });
    }
    return list;
  }

  /** Aborts requests that have received nothing for `idleMs`; their connections retry. */
  abortIdle(nowMs: number, idleMs: number): void {
    for (const w of this.workers.values()) {
      if (w.controller && nowMs - w.lastDataMs > idleMs + w.allowanceMs) {
        w.controller.abort(new NetworkError(this.segmentUrl, `no data for ${Math.round(idleMs / 1000)} s`));
      }
    }
  }

  private async runWorker(
    claim: Claim | null,
    opened: HttpResponse | null,
    slot: Slot | null = null,
    abort: AbortController | null = null,
  ): Promise<void> {
    const { ctx } = this.o;
    const worker: Worker = {
      id: this.nextWorkerId++,
      claim: null,
      state: 'connecting',
      meter: new SpeedMeter(),
      controller: abort,
      lastDataMs: ctx.clock.now(),
      allowanceMs: 0,
      slot,
      readWhole: false,
      receivingSinceMs: null,
      slowSinceMs: null,
      race: null,
      bytes: 0,
      pieceRate: 0,
      pieceStartMs: Number.NEGATIVE_INFINITY,
    };
    this.workers.set(worker.id, worker);
    let attempt = 0;
    try {
      while (!this.fatal && !ctx.signal.aborted) {
        if (this.workers.size > this.limit) return;
        worker.claim =
          claim ??
          this.scheduler.claimWork(this.hints(), this.inOrder() ? this.pieceBytes(worker) : undefined);
        claim = null;
        if (!worker.claim) {
          if (this.scheduler.finished) return;
          // Endgame: race a duplicate request for the slowest connection's bytes.
          const owner = this.raceCandidate();
          if (owner) {
            let won: Awaited<ReturnType<typeof this.race>> = null;
            try {
              won = await this.race(worker, owner);
              if (won) {
                // The tail is this connection's now: its open response streams it next.
                claim = won.claim;
                opened = won.response;
              }
            } catch (error) {
              if (error === LOST_RACE) this.o.adaptations.racesLost++;
              if (!isCalm(error) || ctx.signal.aborted || this.fatal) {
                attempt++;
                if (!(await this.recover(worker, error, attempt))) return;
              }
            } finally {
              if (won) this.endRace(worker);
              else this.endRequest(worker);
            }
            continue;
          }
          // Others are still streaming: a split may become worthwhile once their speeds are known.
          this.abortSlowPiece();
          worker.state = 'connecting';
          await ctx.clock
            .sleep(IDLE_POLL_MS, AbortSignal.any([ctx.signal, this.idleWake.signal]))
            .catch(() => {});
          continue;
        }
        let more = false;
        try {
          const outcome = await this.fetchClaim(worker, opened);
          if (outcome.progressed) attempt = 0;
          more = outcome.more;
        } catch (error) {
          // A piece given up for a faster connection, a restarted straggler, a lost race: no failure, the
          // bytes go back to the pool.
          if (error === RESTART) worker.meter = new SpeedMeter();
          if (!isCalm(error) || ctx.signal.aborted || this.fatal) {
            attempt++;
            if (!(await this.recover(worker, error, attempt))) return;
          }
        } finally {
          opened = null;
          // Piece mode: the rest of the claim stays with this connection for its next request.
          if (more && worker.claim) claim = worker.claim;
          else if (worker.claim) this.scheduler.release(worker.claim);
          worker.claim = null;
          this.endRequest(worker);
        }
      }
    } finally {
      if (claim) this.scheduler.release(claim);
      this.endRequest(worker);
      this.workers.delete(worker.id);
    }
  }

  /** A request is over: its slot goes back to the pool, its race (if any) ends. */
  private endRequest(worker: Worker): void {
    worker.controller = null;
    worker.allowanceMs = 0;
    worker.receivingSinceMs = null;
    worker.slowSinceMs = null;
    const slot = worker.slot;
    worker.slot = null;
    // A host that limits connections counts one cut short until it sees it close: its slot is given back a
    // moment later, so that the next request is not refused for it (and the host's cap wrongly lowered).
    if (slot && !worker.readWhole && this.o.pool.limits(this.host)) {
      void this.o.ctx.clock.sleep(CUT_CLOSE_MS).then(() => slot.release());
    } else {
      slot?.release();
    }
    worker.readWhole = false;
    this.endRace(worker);
    // The last request: connections waiting for work end now rather than at their next look.
    if (this.scheduler.finished) this.idleWake.abort();
  }

  private endRace(worker: Worker): void {
    const race = worker.race;
    if (!race) return;
    race.settled = true;
    race.owner.race = null;
    race.racer.race = null;
  }

  /** Holds a slot to the host for the worker's next request (waiting for one when the host is at its cap). */
  private async takeSlot(worker: Worker, signal: AbortSignal): Promise<void> {
    if (worker.slot) return;
    worker.slot = await this.o.pool.acquire(this.host, signal);
    worker.lastDataMs = this.o.ctx.clock.now();
  }

  /** The response started to arrive on this worker's connection. */
  private receiving(worker: Worker, now: number): void {
    worker.state = 'receiving';
    worker.lastDataMs = now;
    worker.receivingSinceMs ??= now;
    worker.slot?.receiving();
  }

  /**
   * Endgame: when little is left (about ENDGAME_PIECES_PER_CONNECTION pieces per connection) and nothing can
   * be split off, the connection expected to finish last, if a fresh request would beat it clearly.
   */
  private raceCandidate(): Worker | null {
    const now = this.o.ctx.clock.now();
    const hints = this.hints();
    const expected = hints.expectedSpeed;
    if (expected <= 0) return null;
    const pieceMode = this.pieceMode();
    const unit = pieceMode
      ? Math.min(this.o.sink.preferredWriteBytes, expected * PIECE_SECONDS)
      : hints.minSplitBytes;
    const left = this.scheduler.remainingBytes();
    if (left === 0 || left > ENDGAME_PIECES_PER_CONNECTION * unit * Math.max(1, this.workers.size))
      return null;
    let best: Worker | null = null;
    let bestSeconds = 0;
    for (const w of this.workers.values()) {
      const claim = w.claim;
      if (!claim || w.race || !w.controller || w.state !== 'receiving') continue;
      if ((this.racedClaims.get(claim.id) ?? 0) >= MAX_RACES_PER_CLAIM) continue;
      // Piece mode races for the piece in flight; stream mode for the back part of the claim.
      const bytes = pieceMode ? claim.reservedEnd - claim.pos + 1 : claim.end - claim.pos + 1;
      if (bytes <= 0 || (pieceMode && w.allowanceMs <= 0)) continue;
      const speed = this.speedOf(w, now);
      const ownerSeconds = speed > 0 ? bytes / speed : Number.POSITIVE_INFINITY;
      // The racer's share: all of a piece; of a stream, the part that makes both finish together.
      const share = pieceMode ? 1 : raceShare(speed, expected);
      const racerSeconds = (bytes * share) / expected + this.startupSeconds;
      if (ownerSeconds > RACE_GAIN * racerSeconds && ownerSeconds > bestSeconds) {
        best = w;
        bestSeconds = ownerSeconds;
      }
    }
    return best;
  }

  /**
   * Runs one endgame race from `racer` against `owner`. Stream mode: asks for the owner's tail from where the
   * owner should be when the answer comes; if the answer comes first, the tail becomes the racer's claim (the
   * owner stops before it) and is returned with the open response. Piece mode: fetches the owner's piece in
   * flight; whichever reads it whole first stores it, the other is aborted. Returns null when the race is over.
   */
  private async race(racer: Worker, owner: Worker): Promise<{ claim: Claim; response: HttpResponse } | null> {
    const { ctx } = this.o;
    const claim = owner.claim!;
    const pieceMode = this.pieceMode();
    const now = ctx.clock.now();
    this.racedClaims.set(claim.id, (this.racedClaims.get(claim.id) ?? 0) + 1);
    // Stream mode: from where the owner will be when the answer arrives, the back part in proportion to speeds.
    const ownerSpeed = this.speedOf(owner, now);
    const ahead = Math.min(claim.end, claim.pos + Math.ceil(ownerSpeed * this.startupSeconds));
    const back = Math.floor((claim.end - ahead + 1) * raceShare(ownerSpeed, this.hints().expectedSpeed));
    const from = pieceMode ? claim.pos : Math.max(ahead, claim.end - back + 1);
    const to = pieceMode ? claim.reservedEnd : claim.end;
    // Nothing left to race for (the owner is about to finish): never ask for an empty range.
    if (from > to) return null;
    const race: Race = { owner, racer, claim, from, piece: pieceMode, settled: false };
    owner.race = race;
    racer.race = race;
    const controller = new AbortController();
    racer.controller = controller;
    racer.state = 'connecting';
    racer.meter = new SpeedMeter();
    const signal = AbortSignal.any([ctx.signal, controller.signal]);
    let winner = false;
    try {
      await this.takeSlot(racer, signal);
      const { response, end } = await this.openRange(from, to, signal);
      this.receiving(racer, ctx.clock.now());
      if (!pieceMode) {
        // The answer arrived: the tail is the racer's if the owner has not reached it yet.
        const won = race.settled ? null : this.scheduler.cede(claim, from);
        race.settled = true;
        if (!won) {
          this.o.adaptations.racesLost++;
          response.body?.cancel().catch(() => {});
          return null;
        }
        this.o.adaptations.racesWon++;
        this.scheduler.truncate(won, end);
        winner = true;
        return { claim: won, response };
      }
      const length = end - from + 1;
      racer.allowanceMs = this.pieceAllowanceMs(racer, length, ctx.clock.now());
      const stored = await this.o.sink.writeResponse!(from, length, response, () => {
        if (race.settled || !this.scheduler.holds(claim) || claim.pos !== from) return false;
        race.settled = true;
        return true;
      });
      if (!stored) {
        this.o.adaptations.racesLost++;
        return null;
      }
      this.o.adaptations.racesWon++;
      // The racer's copy is the piece: the owner's request is dropped, its claim moves past the piece.
      owner.controller?.abort(LOST_RACE);
      this.scheduler.advance(claim, end + 1);
      const doneMs = ctx.clock.now();
      racer.meter.add(length, doneMs);
      this.count(length, racer, doneMs);
      return null;
    } catch (error) {
      throw this.requestFailure(error, controller);
    } finally {
      // A won tail keeps its request open: the racer streams it on.
      if (!winner) controller.abort('done');
    }
  }

  /** Tracks a piece being stored in the background; a failure to store stops the session. */
  private storing(store: Promise<boolean>): void {
    const tracked: Promise<unknown> = store
      .catch((error: unknown) => this.fail(error instanceof DownloadError ? error : new StorageError(error)))
      .finally(() => this.stores.delete(tracked));
    this.stores.add(tracked);
  }

  /**
   * What a failed request throws: the reason its own abort gave (a restart, a lost race, the watchdog), the
   * error as is when the job stopped or it is already classified, else a network error (a body that failed
   * mid-way: reset, truncated), worth a retry.
   */
  private requestFailure(error: unknown, controller: AbortController): unknown {
    const { signal } = this.o.ctx;
    if (controller.signal.aborted && !signal.aborted) return controller.signal.reason;
    if (signal.aborted || error instanceof DownloadError) return error;
    return new NetworkError(this.segmentUrl, error);
  }

  /** Bytes stored: progress for the job and the ramp. */
  private count(bytes: number, worker: Worker, nowMs: number): void {
    worker.bytes += bytes;
    this.delivered += bytes;
    this.deliveredAtMs = nowMs;
    this.o.onBytes(bytes);
  }

  /** Decides what a failed request means. Returns false when this connection should stop. */
  private async recover(worker: Worker, error: unknown, attempt: number): Promise<boolean> {
    const { ctx, retry } = this.o;
    if (ctx.signal.aborted) return false;
    if (!(error instanceof DownloadError) || error.scope === 'job') {
      this.fail(error);
      return false;
    }
    this.failures++;
    if (attempt >= retry.attempts || this.failures > retry.attempts * this.o.maxConnections * 2) {
      this.fail(new RetriesExhaustedError(attempt, error));
      return false;
    }
    let retryAfterMs: number | null = null;
    if (error instanceof HttpStatusError) retryAfterMs = error.retryAfterMs;
    if (this.saysFewer(error)) {
      // The host said "fewer connections": it keeps the ones it is serving, for every download to it.
      // The pool decides from the connections the host is serving (a refusal of a request sent before the
      // last lowering says nothing new); this download keeps at most that many.
      const hostCap = this.o.pool.lower(this.host, worker.slot ?? undefined);
      const lowered = Math.max(1, Math.min(this.allowed, hostCap));
      this.ramping = false;
      if (lowered < this.allowed) {
        this.allowed = lowered;
        this.o.onConnectionsLowered(lowered, error instanceof HttpStatusError ? error.status : 0);
      }
      if (this.workers.size > this.limit) return false;
    }
    worker.state = 'retrying';
    const delayMs = retryDelay(attempt, retry, this.o.random, retryAfterMs);
    this.o.onRetry(attempt, delayMs, error);
    if (worker.claim) this.scheduler.release(worker.claim);
    worker.claim = null;
    await ctx.clock.sleep(delayMs, ctx.signal).catch(() => {});
    return !ctx.signal.aborted;
  }

  /** 429, 503, or a connection refused while others to the same host are being served. */
  private saysFewer(error: unknown): boolean {
    if (error instanceof HttpStatusError) return BACKOFF_STATUSES.has(error.status);
    if (!(error instanceof NetworkError) || !/ECONNREFUSED|refused/i.test(describeCause(error))) return false;
    return [...this.workers.values()].some((w) => w.state === 'receiving');
  }

  private fail(error: unknown): void {
    if (this.fatal) return;
    this.fatal = error;
    for (const w of this.workers.values()) w.controller?.abort(error);
  }

  /** Fetches (part of) the worker's claim, in the sink's mode. */
  private async fetchClaim(worker: Worker, opened: HttpResponse | null): Promise<FetchOutcome> {
    if (!this.pieceMode()) return { progressed: await this.streamClaim(worker, opened), more: false };
    const claim = worker.claim!;
    const pieceEnd = Math.min(claim.end, claim.pos + this.pieceBytes(worker) - 1);
    this.scheduler.reserve(claim, pieceEnd);
    if (opened) await this.streamClaim(worker, opened);
    else await this.fetchPiece(worker);
    return { progressed: true, more: claim.pos <= claim.end };
  }

  /**
   * Streams one claim, or in piece mode the probe's response up to the reserved piece. Returns whether any
   * byte arrived.
   */
  private async streamClaim(worker: Worker, opened: HttpResponse | null): Promise<boolean> {
    const claim = worker.claim!;
    const pieceMode = this.pieceMode();
    // The last byte this stream may deliver, read live: a split may shrink the claim (never into a piece).
    const lastByte = () => (pieceMode ? Math.min(claim.end, claim.reservedEnd) : claim.end);
    const { ctx } = this.o;
    // A response opened earlier (the probe's, a won race's) comes with its request's controller.
    const inherited =
      opened && worker.controller && !worker.controller.signal.aborted ? worker.controller : null;
    const controller = inherited ?? new AbortController();
    worker.controller = controller;
    if (!inherited) worker.state = 'connecting';
    const signal = AbortSignal.any([ctx.signal, controller.signal]);
    const startPos = claim.pos;
    let sentMs = ctx.clock.now();
    // The last byte the response carries (a response opened elsewhere: unknown, so counted as cut short).
    let responseEnd = Number.POSITIVE_INFINITY;
    try {
      let response = opened;
      if (!response) {
        await this.takeSlot(worker, signal);
        sentMs = ctx.clock.now();
        const opening = await this.openRange(claim.pos, claim.end, signal);
        // A short answer is legal: take what came, the rest goes back to the pool.
        this.scheduler.truncate(claim, opening.end);
        response = opening.response;
        responseEnd = opening.end;
      }
      const ttfbSeconds = (ctx.clock.now() - sentMs) / 1000;
      if (!opened) this.startupSeconds = this.startupSeconds * 0.7 + ttfbSeconds * 0.3;
      this.receiving(worker, ctx.clock.now());
      if (!response.body) throw new TruncatedBodyError(this.segmentUrl, lastByte() - claim.pos + 1, 0);
      const end = await pump({
        body: response.body,
        sink: this.o.sink,
        offset: claim.pos,
        lastByte,
        onBytes: (bytes, next) => {
          const now = ctx.clock.now();
          this.scheduler.advance(claim, next);
          worker.meter.add(bytes, now);
          worker.lastDataMs = now;
          this.count(bytes, worker, now);
        },
        pace: this.o.limits.length > 0 ? (bytes) => paceAll(this.o.limits, bytes, signal) : undefined,
      });
      if (end <= lastByte())
        throw new TruncatedBodyError(this.segmentUrl, lastByte() - startPos + 1, end - startPos);
      worker.readWhole = end > responseEnd;
      return true;
    } catch (error) {
      throw this.requestFailure(error, controller);
    } finally {
      controller.abort('done');
    }
  }

  /**
   * Piece mode: one request for the reserved piece `[claim.pos, claim.reservedEnd]`, its whole response handed
   * to the sink. On success the claim advances past the piece; on failure nothing moved, and the caller
   * releases the claim from the piece's start.
   */
  private async fetchPiece(worker: Worker): Promise<void> {
    const claim = worker.claim!;
    const { ctx, sink } = this.o;
    const controller = new AbortController();
    worker.controller = controller;
    worker.state = 'connecting';
    const signal = AbortSignal.any([ctx.signal, controller.signal]);
    const offset = claim.pos;
    let sentMs = ctx.clock.now();
    let stored = false;
    try {
      if (this.limitRate() !== null) {
        await paceAll(this.o.limits, claim.reservedEnd - claim.pos + 1, signal);
        worker.lastDataMs = ctx.clock.now();
      }
      await this.takeSlot(worker, signal);
      sentMs = ctx.clock.now();
      const { response, end } = await this.openRange(claim.pos, claim.reservedEnd, signal);
      // A short (honest) answer makes a shorter piece; the rest of the claim follows in the next request.
      this.scheduler.reserve(claim, end);
      const length = end - offset + 1;
      const now = ctx.clock.now();
      this.startupSeconds = this.startupSeconds * 0.7 + ((now - sentMs) / 1000) * 0.3;
      this.receiving(worker, now);
      worker.allowanceMs = this.pieceAllowanceMs(worker, length, now);
      // The piece's rate is measured from its first byte (a zero sample marks the start).
      worker.meter.add(0, now);
      // In an endgame race, only the first copy read whole is stored. `commit` runs once the body is read:
      // from then on the connection is free for the next piece while the sink stores this one.
      let markRead = () => {};
      const read = new Promise<'read'>((resolve) => {
        markRead = () => resolve('read');
      });
      const commit = () => {
        if (claim.pos !== offset) return false;
        const race = worker.race;
        if (race) {
          if (race.settled) return false;
          race.settled = true;
          race.racer.controller?.abort(LOST_RACE);
        }
        markRead();
        return true;
      };
      const storing = sink.writeResponse!(offset, length, response, commit);
      const first = await Promise.race([read, storing]);
      if (first === false) throw LOST_RACE;
      stored = true;
      this.storing(storing);
      const doneMs = ctx.clock.now();
      this.scheduler.advance(claim, end + 1);
      worker.meter.add(length, doneMs);
      worker.lastDataMs = doneMs;
      worker.allowanceMs = 0;
      worker.pieceRate = (length * 1000) / Math.max(1, doneMs - now);
      worker.readWhole = true;
      worker.pieceStartMs = now;
      this.count(length, worker, doneMs);
    } catch (error) {
      throw this.requestFailure(error, controller);
    } finally {
      // A fully read response leaves its connection to be reused (keep-alive); anything else is torn down.
      if (!stored) controller.abort('done');
    }
  }

  /**
   * Piece mode: a piece in flight cannot be split, and with connections reused, a fast worker's piece may land on
   * a slow socket. When a connection is idle (nothing left to take) and a piece has been in flight several times
   * longer than a new request at the usual speed would need, that piece is given up: its connection closes, its
   * bytes go back to pending, and the idle connection takes them. At most one piece per call; a piece being
   * raced is left to the race.
   */
  private abortSlowPiece(): void {
    if (!this.o.sink.writeResponse || this.scheduler.hasPending) return;
    const now = this.o.ctx.clock.now();
    // The usual speed: the median over every connection, the idle ones included (at the tail only the slow
    // ones still hold claims).
    const rates = [...this.workers.values()]
      .map((w) => w.meter.rate(now))
      .filter((r) => r > 0)
      .sort((a, b) => a - b);
    const expected = rates[Math.floor(rates.length / 2)] ?? 0;
    if (expected <= 0) return;
    let slowest: Worker | null = null;
    let worst = 0;
    for (const w of this.workers.values()) {
      if (!w.claim || w.race || w.allowanceMs <= 0 || !w.controller || w.controller.signal.aborted) continue;
      const inFlight = w.claim.reservedEnd - w.claim.pos + 1;
      const freshSeconds = inFlight / expected + this.startupSeconds;
      const ratio = (now - w.lastDataMs) / 1000 / freshSeconds;
      if (ratio > SLOW_PIECE_FACTOR && ratio > worst) {
        slowest = w;
        worst = ratio;
      }
    }
    slowest?.controller?.abort(SLOW_PIECE);
  }

  /** Piece mode: how many bytes the worker asks for next. */
  private pieceBytes(worker: Worker): number {
    const preferred = Math.max(1, this.o.sink.preferredWriteBytes);
    const rate = worker.meter.rate(this.o.ctx.clock.now());
    const floor = MIN_PIECE_BYTES;
    if (rate <= 0) {
      // In order, first pieces grow (twice what the connection has fetched) until the speed is known: a run of
      // tiny pieces would cost a round trip each while the front of the file waits on them.
      const first = this.inOrder() ? Math.max(FIRST_PIECE_BYTES, 2 * worker.bytes) : FIRST_PIECE_BYTES;
      return Math.min(preferred, first);
    }
    const sized = Math.floor(rate * (this.ramping ? RAMP_PIECE_SECONDS : PIECE_SECONDS));
    const limit = this.limitRate();
    // Under a speed limit, pieces of about half a second at the limit keep the pacing smooth.
    const limited =
      limit === null
        ? Number.POSITIVE_INFINITY
        : Math.max(16 * 1024, Math.floor(limit * LIMITED_PIECE_SECONDS));
    // Near the end, pieces shrink to half of each connection's share of what is left, so that connections
    // finish together instead of one fetching a long last piece alone.
    const share = Math.ceil(this.scheduler.remainingBytes() / Math.max(1, this.workers.size) / 2);
    const tail = Math.max(floor, share);
    return Math.min(preferred, limited, tail, Math.max(sized, Math.min(preferred, floor)));
  }

  /** Piece mode: extra watchdog time for a piece of `length` bytes: twice its expected transfer time. */
  private pieceAllowanceMs(worker: Worker, length: number, nowMs: number): number {
    const rate = worker.meter.rate(nowMs);
    return (2 * 1000 * length) / (rate > 0 ? rate : FLOOR_BYTES_PER_SECOND);
  }

  /** Opens `[claim.pos, end]` and validates the answer; resolves with the response and the last byte it carries. */
  private async openRange(
    start: number,
    end: number,
    signal: AbortSignal,
  ): Promise<{ response: HttpResponse; end: number }> {
    const { ctx, remote } = this.o;
    const requested = { start, end };
    const headers = rangeHeaders(ctx.headers, requested, this.ifRange);
    this.o.countRequest();
    const url = this.segmentUrl;
    const response = await send(ctx, url, headers, signal);
    if (response.status === 200) {
      response.body?.cancel().catch(() => {});
      const etag = response.headers.get('etag');
      if (this.ifRange && etag !== remote.etag) throw new ResourceChangedError(url, 'If-Range answered 200');
      throw new NoRangesError(url);
    }
    if (response.status === 416) {
      response.body?.cancel().catch(() => {});
      throw new ResourceChangedError(url, `range ${requested.start}-${requested.end} not satisfiable`);
    }
    if (response.status !== 206) {
      if (FALLBACK_STATUSES.has(response.status) && url !== remote.url) this.segmentUrl = remote.url;
      throw statusError(ctx, response, url);
    }
    try {
      const checked = checkRangeResponse({
        url,
        requested,
        contentRange: response.headers.get('content-range'),
        contentEncoding: response.headers.get('content-encoding'),
        etag: response.headers.get('etag'),
        expectedTotal: remote.size,
        expectedEtag: remote.etag,
      });
      return { response, end: checked.end };
    } catch (error) {
      response.body?.cancel().catch(() => {});
      const sameTag = remote.etag !== null && response.headers.get('etag') === remote.etag;
      // Same strong validator, different total: the server is inconsistent, not the file changed.
      if (
        error instanceof ResourceChangedError &&
        sameTag &&
        remote.etag !== null &&
        !isWeakEtag(remote.etag)
      ) {
        throw new ContentRangeError(
          url,
          `Content-Range total contradicts the file's size (${error.message})`,
        );
      }
      throw error;
    }
  }

  /**
   * A connection's speed for split decisions. In piece mode no byte shows before a piece is whole, so a piece in
   * flight for t seconds bounds the speed from above (its bytes / t): a slow connection's piece is known to be
   * slow before it completes.
   */
  private speedOf(w: Worker, nowMs: number): number {
    const measured = w.meter.rate(nowMs);
    if (w.allowanceMs <= 0 || !w.claim) return measured;
    const inFlight = w.claim.reservedEnd - w.claim.pos + 1;
    const seconds = Math.max(nowMs - w.lastDataMs, 100) / 1000;
    const bound = inFlight / seconds;
    return measured > 0 ? Math.min(measured, bound) : bound;
  }

  /**
   * Whole-response pieces when the sink takes them. Under a speed limit they are paced per request (a piece is
   * asked for only when the limit allows its bytes), since the platform may read a response ahead of its
   * reader; streams are paced per read.
   */
  private pieceMode(): boolean {
    return this.o.sink.writeResponse !== undefined;
  }

  /** Piece mode for a sink that hands the file on as its prefix grows: pieces are claimed front first. */
  private inOrder(): boolean {
    return this.pieceMode() && this.o.sink.inOrder === true;
  }

  /** The strictest speed limit in force (bytes per second), or null. */
  private limitRate(): number | null {
    let rate: number | null = null;
    for (const l of this.o.limits) {
      const r = l.bytesPerSecond;
      if (r !== null) rate = rate === null ? r : Math.min(rate, r);
    }
    return rate;
  }

  private hints() {
    const now = this.o.ctx.clock.now();
    const speeds = new Map<number, number>();
    for (const w of this.workers.values()) if (w.claim) speeds.set(w.claim.id, this.speedOf(w, now));
    const known = [...speeds.values()].filter((s) => s > 0).sort((a, b) => a - b);
    const median = known.length ? (known[Math.floor(known.length / 2)] ?? 0) : 0;
    const adaptive = median * this.startupSeconds * 4;
    return {
      speedOf: (id: number) => speeds.get(id) ?? 0,
      expectedSpeed: median,
      minSplitBytes: Math.max(this.o.minSplitBytes, adaptive),
      startupSeconds: this.startupSeconds,
      raceTails: !this.pieceMode(),
    };
  }
}

/** Aborts that are no failure of the connection. */
function isCalm(error: unknown): boolean {
  return error === SLOW_PIECE || error === RESTART || error === LOST_RACE;
}

function describeCause(error: Error): string {
  const parts: string[] = [error.message];
  let cause: unknown = error.cause;
  for (let depth = 0; cause && depth < 4; depth++) {
    if (cause instanceof Error) {
      parts.push(cause.message, String((cause as { code?: unknown }).code ?? ''));
      cause = cause.cause;
    } else {
      parts.push(String(cause));
      break;
    }
  }
  return parts.join(' ');
}

/** The share of a stream's rest a racer at `takerSpeed` should ask for so both finish together. */
function raceShare(ownerSpeed: number, takerSpeed: number): number {
  return ownerSpeed > 0 && takerSpeed > 0 ? takerSpeed / (ownerSpeed + takerSpeed) : 0.5;
}
