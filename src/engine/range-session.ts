import { checkRangeResponse } from './content-range';
import {
  ContentRangeError,
  DownloadError,
  HttpStatusError,
  NetworkError,
  NoRangesError,
  ResourceChangedError,
  RetriesExhaustedError,
  TruncatedBodyError,
} from './errors';
import { pump } from './pump';
import { type RequestContext, rangeHeaders, send, statusError } from './request';
import { retryDelay } from './retry-policy';
import { type Claim, Scheduler } from './scheduler';
import { SpeedMeter } from './speed-meter';
import type {
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
  maxConnections: number;
  minSplitBytes: number;
  retry: RetryOptions;
  random: () => number;
  onBytes: (bytes: number) => void;
  onConnectionsLowered: (connections: number, status: number) => void;
  onRetry: (attempt: number, delayMs: number, error: DownloadError) => void;
  countRequest: () => void;
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
}

/** What one fetch of (part of) a claim achieved. */
interface FetchOutcome {
  /** Some bytes were stored. */
  progressed: boolean;
  /** The claim has bytes left that this connection should fetch next (piece mode). */
  more: boolean;
}

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

  constructor(private readonly o: RangeSessionOptions) {
    this.scheduler = new Scheduler(o.missing);
    this.ifRange = ifRangeValue(o.remote);
    this.segmentUrl = o.remote.finalUrl;
    this.allowed = Math.max(1, o.maxConnections);
  }

  async run(): Promise<void> {
    const first = this.scheduler.claimPending();
    const runs: Promise<void>[] = [];
    if (first) {
      this.scheduler.truncate(first, this.o.openedEnd);
      const others = this.scheduler.splitEvenly(first, this.allowed, this.o.minSplitBytes);
      runs.push(this.runWorker(first, this.o.opened));
      for (const claim of others) runs.push(this.runWorker(claim, null));
    } else {
      this.o.opened.body?.cancel().catch(() => {});
    }
    while (runs.length < this.allowed) runs.push(this.runWorker(null, null));
    await Promise.all(runs);
    // Connections that gave up (lowered count) may have left work behind; the remaining ones take it.
    while (!this.fatal && !this.scheduler.finished && !this.o.ctx.signal.aborted) {
      await this.runWorker(null, null);
    }
    if (this.fatal) throw this.fatal;
    if (this.o.ctx.signal.aborted) throw this.o.ctx.signal.reason;
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

  private async runWorker(claim: Claim | null, opened: HttpResponse | null): Promise<void> {
    const { ctx } = this.o;
    const worker: Worker = {
      id: this.nextWorkerId++,
      claim: null,
      state: 'connecting',
      meter: new SpeedMeter(),
      controller: null,
      lastDataMs: ctx.clock.now(),
      allowanceMs: 0,
    };
    this.workers.set(worker.id, worker);
    let attempt = 0;
    try {
      while (!this.fatal && !ctx.signal.aborted) {
        if (this.workers.size > this.allowed) return;
        worker.claim = claim ?? this.scheduler.claimWork(this.hints());
        claim = null;
        if (!worker.claim) {
          if (this.scheduler.finished) return;
          // Others are still streaming: a split may become worthwhile once their speeds are known.
          this.abortSlowPiece();
          worker.state = 'connecting';
          await ctx.clock.sleep(IDLE_POLL_MS, ctx.signal).catch(() => {});
          continue;
        }
        let more = false;
        try {
          const outcome = await this.fetchClaim(worker, opened);
          if (outcome.progressed) attempt = 0;
          more = outcome.more;
        } catch (error) {
          // A piece given up for a faster connection is not a failure: its bytes go back to the pool.
          if (error !== SLOW_PIECE || ctx.signal.aborted || this.fatal) {
            attempt++;
            if (!(await this.recover(worker, error, attempt))) return;
          }
        } finally {
          opened = null;
          // Piece mode: the rest of the claim stays with this connection for its next request.
          if (more && worker.claim) claim = worker.claim;
          else if (worker.claim) this.scheduler.release(worker.claim);
          worker.claim = null;
          worker.controller = null;
          worker.allowanceMs = 0;
        }
      }
    } finally {
      if (claim) this.scheduler.release(claim);
      this.workers.delete(worker.id);
    }
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
    if (error instanceof HttpStatusError) {
      retryAfterMs = error.retryAfterMs;
      if (BACKOFF_STATUSES.has(error.status)) {
        const receiving = [...this.workers.values()].filter((w) => w.state === 'receiving').length;
        const lowered = Math.max(1, Math.min(this.allowed - 1, receiving));
        if (lowered < this.allowed) {
          this.allowed = lowered;
          this.o.onConnectionsLowered(lowered, error.status);
        }
        if (this.workers.size > this.allowed) return false;
      }
    }
    worker.state = 'retrying';
    const delayMs = retryDelay(attempt, retry, this.o.random, retryAfterMs);
    this.o.onRetry(attempt, delayMs, error);
    if (worker.claim) this.scheduler.release(worker.claim);
    worker.claim = null;
    await ctx.clock.sleep(delayMs, ctx.signal).catch(() => {});
    return !ctx.signal.aborted;
  }

  private fail(error: unknown): void {
    if (this.fatal) return;
    this.fatal = error;
    for (const w of this.workers.values()) w.controller?.abort(error);
  }

  /** Fetches (part of) the worker's claim, in the sink's mode. */
  private async fetchClaim(worker: Worker, opened: HttpResponse | null): Promise<FetchOutcome> {
    if (!this.o.sink.writeResponse)
      return { progressed: await this.streamClaim(worker, opened), more: false };
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
    const pieceMode = this.o.sink.writeResponse !== undefined;
    // The last byte this stream may deliver, read live: a split may shrink the claim (never into a piece).
    const lastByte = () => (pieceMode ? Math.min(claim.end, claim.reservedEnd) : claim.end);
    const { ctx } = this.o;
    const controller = new AbortController();
    worker.controller = controller;
    worker.state = 'connecting';
    const signal = AbortSignal.any([ctx.signal, controller.signal]);
    const startPos = claim.pos;
    const sentMs = ctx.clock.now();
    try {
      let response = opened;
      if (!response) {
        const opening = await this.openRange(claim, claim.end, signal);
        // A short answer is legal: take what came, the rest goes back to the pool.
        this.scheduler.truncate(claim, opening.end);
        response = opening.response;
      }
      const ttfbSeconds = (ctx.clock.now() - sentMs) / 1000;
      if (!opened) this.startupSeconds = this.startupSeconds * 0.7 + ttfbSeconds * 0.3;
      worker.state = 'receiving';
      worker.lastDataMs = ctx.clock.now();
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
          this.o.onBytes(bytes);
        },
      });
      if (end <= lastByte())
        throw new TruncatedBodyError(this.segmentUrl, lastByte() - startPos + 1, end - startPos);
      return true;
    } catch (error) {
      if (controller.signal.aborted && !ctx.signal.aborted) throw controller.signal.reason;
      if (ctx.signal.aborted || error instanceof DownloadError) throw error;
      // The body stream failed mid-way (reset, truncated chunk): a network error, worth a retry.
      throw new NetworkError(this.segmentUrl, error);
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
    const sentMs = ctx.clock.now();
    let stored = false;
    try {
      const { response, end } = await this.openRange(claim, claim.reservedEnd, signal);
      // A short (honest) answer makes a shorter piece; the rest of the claim follows in the next request.
      this.scheduler.reserve(claim, end);
      const length = end - offset + 1;
      const now = ctx.clock.now();
      this.startupSeconds = this.startupSeconds * 0.7 + ((now - sentMs) / 1000) * 0.3;
      worker.state = 'receiving';
      worker.lastDataMs = now;
      worker.allowanceMs = this.pieceAllowanceMs(worker, length, now);
      // The piece's rate is measured from its first byte (a zero sample marks the start).
      worker.meter.add(0, now);
      await sink.writeResponse!(offset, length, response);
      stored = true;
      const doneMs = ctx.clock.now();
      this.scheduler.advance(claim, end + 1);
      worker.meter.add(length, doneMs);
      worker.lastDataMs = doneMs;
      worker.allowanceMs = 0;
      this.o.onBytes(length);
    } catch (error) {
      if (controller.signal.aborted && !ctx.signal.aborted) throw controller.signal.reason;
      if (ctx.signal.aborted || error instanceof DownloadError) throw error;
      // The body failed mid-way (reset, truncated): a network error, worth a retry.
      throw new NetworkError(this.segmentUrl, error);
    } finally {
      // A fully read response leaves its connection to be reused (keep-alive); anything else is torn down.
      if (!stored) controller.abort('done');
    }
  }

  /**
   * Piece mode: a piece in flight cannot be split, and with connections reused, a fast worker's piece may land on
   * a slow socket. When a connection is idle (nothing left to take) and a piece has been in flight several times
   * longer than a new request at the usual speed would need, that piece is given up: its connection closes, its
   * bytes go back to pending, and the idle connection takes them. At most one piece per call.
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
      if (!w.claim || w.allowanceMs <= 0 || !w.controller || w.controller.signal.aborted) continue;
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
    if (rate <= 0) return Math.min(preferred, FIRST_PIECE_BYTES);
    const sized = Math.floor(rate * PIECE_SECONDS);
    return Math.min(preferred, Math.max(sized, Math.min(preferred, MIN_PIECE_BYTES)));
  }

  /** Piece mode: extra watchdog time for a piece of `length` bytes: twice its expected transfer time. */
  private pieceAllowanceMs(worker: Worker, length: number, nowMs: number): number {
    const rate = worker.meter.rate(nowMs);
    return (2 * 1000 * length) / (rate > 0 ? rate : FLOOR_BYTES_PER_SECOND);
  }

  /** Opens `[claim.pos, end]` and validates the answer; resolves with the response and the last byte it carries. */
  private async openRange(
    claim: Claim,
    end: number,
    signal: AbortSignal,
  ): Promise<{ response: HttpResponse; end: number }> {
    const { ctx, remote } = this.o;
    const requested = { start: claim.pos, end };
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
    };
  }
}
