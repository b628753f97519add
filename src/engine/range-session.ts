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
}

/** How often a connection without work looks again for a range worth taking over. */
const IDLE_POLL_MS = 100;
/** Statuses that say "fewer connections, please". */
const BACKOFF_STATUSES = new Set([429, 503]);
/** Statuses after which segments go back to the URL the user gave, when a redirect target refuses. */
const FALLBACK_STATUSES = new Set([403, 404, 410]);

/**
 * Fetches the missing ranges of a file over parallel connections. Connections take work from the scheduler
 * until none is left; each failure is classified: request-scope errors back off and retry (bounded), 429/503
 * also lower the connection count, job-scope errors stop every connection and reject.
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
      if (w.controller && nowMs - w.lastDataMs > idleMs) {
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
          worker.state = 'connecting';
          await ctx.clock.sleep(IDLE_POLL_MS, ctx.signal).catch(() => {});
          continue;
        }
        try {
          const progressed = await this.fetchClaim(worker, opened);
          if (progressed) attempt = 0;
        } catch (error) {
          attempt++;
          if (!(await this.recover(worker, error, attempt))) return;
        } finally {
          opened = null;
          if (worker.claim) this.scheduler.release(worker.claim);
          worker.claim = null;
          worker.controller = null;
        }
      }
    } finally {
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

  /** Streams one claim. Returns whether any byte arrived. */
  private async fetchClaim(worker: Worker, opened: HttpResponse | null): Promise<boolean> {
    const claim = worker.claim!;
    const { ctx } = this.o;
    const controller = new AbortController();
    worker.controller = controller;
    worker.state = 'connecting';
    const signal = AbortSignal.any([ctx.signal, controller.signal]);
    const startPos = claim.pos;
    const sentMs = ctx.clock.now();
    try {
      const response = opened ?? (await this.openRange(claim, signal));
      const ttfbSeconds = (ctx.clock.now() - sentMs) / 1000;
      if (!opened) this.startupSeconds = this.startupSeconds * 0.7 + ttfbSeconds * 0.3;
      worker.state = 'receiving';
      worker.lastDataMs = ctx.clock.now();
      if (!response.body) throw new TruncatedBodyError(this.segmentUrl, claim.end - claim.pos + 1, 0);
      const end = await pump({
        body: response.body,
        sink: this.o.sink,
        offset: claim.pos,
        lastByte: () => claim.end,
        onBytes: (bytes, next) => {
          const now = ctx.clock.now();
          this.scheduler.advance(claim, next);
          worker.meter.add(bytes, now);
          worker.lastDataMs = now;
          this.o.onBytes(bytes);
        },
      });
      if (end <= claim.end)
        throw new TruncatedBodyError(this.segmentUrl, claim.end - startPos + 1, end - startPos);
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

  private async openRange(claim: Claim, signal: AbortSignal): Promise<HttpResponse> {
    const { ctx, remote } = this.o;
    const requested = { start: claim.pos, end: claim.end };
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
      const { end } = checkRangeResponse({
        url,
        requested,
        contentRange: response.headers.get('content-range'),
        contentEncoding: response.headers.get('content-encoding'),
        etag: response.headers.get('etag'),
        expectedTotal: remote.size,
        expectedEtag: remote.etag,
      });
      // A short answer is legal: take what came, the rest goes back to the pool.
      this.scheduler.truncate(claim, end);
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
    return response;
  }

  private hints() {
    const now = this.o.ctx.clock.now();
    const speeds = new Map<number, number>();
    for (const w of this.workers.values()) if (w.claim) speeds.set(w.claim.id, w.meter.rate(now));
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
