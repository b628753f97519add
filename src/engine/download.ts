import { AbortedError, DownloadError, ResourceChangedError } from './errors';
import { HostPool, type Slot } from './host-pool';
import { openProbe, type ProbeOutcome } from './probe';
import { subtractRanges, totalLength } from './ranges';
import { paceAll } from './rate-limiter';
import type { RangeSpec, RequestContext } from './request';
import { DEFAULT_RETRY, retryDelay } from './retry-policy';
import { RangeSession } from './session/range-session';
import { singleStream } from './single-stream';
import { SpeedMeter } from './speed-meter';
import type {
  Adaptations,
  ByteRange,
  DownloadOptions,
  DownloadResult,
  HttpResponse,
  Progress,
  RemoteFile,
  SavedState,
} from './types';
import { ifRangeValue, sameResource } from './validators';

const MIB = 1024 * 1024;
/** A changed file restarts the job; a file that keeps changing fails it. */
const MAX_RESTARTS = 3;
/** Piece mode: the probe's first piece. */
const PROBE_PIECE_BYTES = 256 * 1024;
/** A connection that receives nothing this long is dropped and retried. */
const READ_TIMEOUT_MS = 30_000;

/**
 * Downloads `options.url` into `options.sink`: probe, then parallel ranges (or one stream when the server
 * has no ranges), resuming from whatever the sink already holds. Resolves when the sink holds every byte
 * and has been finished; rejects with a DownloadError otherwise.
 */
export async function download(options: DownloadOptions): Promise<DownloadResult> {
  const job = new AbortController();
  const onAbort = () => job.abort(new AbortedError(options.signal?.reason));
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const ctx: RequestContext = {
    fetcher: options.fetcher,
    clock: options.clock,
    headers: options.headers ?? {},
    signal: job.signal,
  };
  const run = new DownloadRun(options, ctx);
  const ticker = run.tick(job.signal);
  try {
    return await run.start();
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    job.abort('finished');
    await ticker;
  }
}

class DownloadRun {
  private readonly retry;
  private readonly random: () => number;
  private readonly meter = new SpeedMeter();
  private doneBytes = 0;
  private receivedBytes = 0;
  private requests = 0;
  private total: number | null = null;
  private session: RangeSession | null = null;
  /** What the last probe learned. */
  private remote: RemoteFile | null = null;
  private readonly pool: HostPool;
  private readonly adaptations: Adaptations = {
    racesWon: 0,
    racesLost: 0,
    stragglerRestarts: 0,
    peakConnections: 0,
  };
  private readonly pace: ((bytes: number) => Promise<void>) | undefined;

  constructor(
    private readonly o: DownloadOptions,
    private readonly ctx: RequestContext,
  ) {
    this.retry = { ...DEFAULT_RETRY, ...o.retry };
    this.random = o.random ?? Math.random;
    this.pool = o.pool ?? new HostPool({ maxPerHost: Math.max(1, o.maxConnections) });
    const limits = o.limits ?? [];
    this.pace = limits.length > 0 ? (bytes) => paceAll(limits, bytes, ctx.signal) : undefined;
  }

  async start(): Promise<DownloadResult> {
    let saved = await this.o.sink.load();
    let brokenRanges: RemoteFile | null = null;
    for (let restarts = 0; ; restarts++) {
      try {
        const remote = brokenRanges ? await this.single(brokenRanges, null) : await this.attempt(saved);
        return {
          remote,
          receivedBytes: this.receivedBytes,
          requests: this.requests,
          adaptations: this.adaptations,
        };
      } catch (error) {
        if (this.ctx.signal.aborted) throw this.ctx.signal.reason;
        if (restarts >= MAX_RESTARTS || !(error instanceof DownloadError)) throw error;
        if (error instanceof ResourceChangedError) {
          this.o.onNotice?.({ type: 'restarted', reason: 'changed' });
        } else if (isBrokenRanges(error) && this.remote && !brokenRanges) {
          // The server's ranged answers cannot be trusted; its plain answer still can.
          brokenRanges = this.remote;
          this.o.onNotice?.({ type: 'single-stream', reason: error.message });
        } else {
          throw error;
        }
        await this.o.sink.reset();
        this.doneBytes = 0;
        saved = null;
      }
    }
  }

  /** Progress reports and the idle-connection watchdog, until the job ends. */
  async tick(signal: AbortSignal): Promise<void> {
    const intervalMs = this.o.progressIntervalMs ?? 250;
    while (!signal.aborted) {
      await this.o.clock.sleep(intervalMs, signal).catch(() => {});
      const now = this.o.clock.now();
      this.session?.abortIdle(now, READ_TIMEOUT_MS);
      if (!signal.aborted) this.o.onProgress?.(this.progress(now));
    }
  }

  progress(now: number): Progress {
    const speed = this.meter.rate(now);
    const left = this.total === null ? null : this.total - this.doneBytes;
    return {
      doneBytes: this.doneBytes,
      totalBytes: this.total,
      speedBytesPerSecond: speed,
      etaMs: left !== null && speed > 0 ? (left / speed) * 1000 : null,
      connections: this.session?.connections(now) ?? [],
    };
  }

  private async attempt(saved: SavedState | null): Promise<RemoteFile> {
    const savedSize = saved?.remote.size ?? null;
    const done = saved && savedSize !== null ? saved.done : [];
    const missing = savedSize !== null ? subtractRanges({ start: 0, end: savedSize - 1 }, done) : [];
    // Resuming asks for the first gap only, so no stored byte is fetched again.
    const from = saved && savedSize !== null ? (missing[0]?.start ?? savedSize) : 0;
    const gapEnd = saved && savedSize !== null ? (missing[0]?.end ?? null) : null;
    // Whole-response pieces (the browser): the probe asks for a first piece only. A platform that reads
    // responses ahead of the reader would otherwise fetch far past it before its connection is closed.
    const to = this.o.sink.writeResponse
      ? Math.min(gapEnd ?? Number.POSITIVE_INFINITY, from + PROBE_PIECE_BYTES - 1)
      : gapEnd;
    const url = saved?.remote.url ?? this.o.url;
    this.doneBytes = totalLength(done);
    this.total = savedSize;
    if (saved && savedSize !== null && missing.length === 0) return this.finish(saved.remote);

    // The probe is a connection like the others: it waits for a slot to its host.
    const slot = await this.pool.acquire(HostPool.hostOf(url), this.ctx.signal);
    // Its own abort, so the connection that streams it can close it once its part is in.
    const probeAbort = new AbortController();
    let outcome: ProbeOutcome;
    try {
      outcome = await this.openWithRetry(
        url,
        { start: from, end: to },
        saved ? ifRangeValue(saved.remote) : null,
        probeAbort.signal,
      );
    } catch (error) {
      slot.release();
      throw error;
    }
    if (outcome.kind !== 'ranges' || outcome.remote.size === null || outcome.encoded) {
      try {
        return await this.attemptWithoutSession(outcome, saved, url, from);
      } finally {
        slot.release();
      }
    }
    slot.receiving();
    return this.attemptRanges(outcome, saved, done, missing, slot, probeAbort);
  }

  /** The probe answered but not with usable ranges: an empty file, a whole-file answer, or encoded ranges. */
  private async attemptWithoutSession(
    outcome: ProbeOutcome,
    saved: SavedState | null,
    url: string,
    from: number,
  ): Promise<RemoteFile> {
    if (outcome.kind === 'unsatisfiable') {
      if (from === 0 && (outcome.remote.size ?? 0) === 0) return this.finishEmpty(outcome.remote);
      throw new ResourceChangedError(url, 'the resumed range is no longer satisfiable');
    }
    if (outcome.kind === 'whole' || outcome.remote.size === null || outcome.encoded) {
      if (saved) {
        outcome.response.body?.cancel().catch(() => {});
        throw new ResourceChangedError(url, 'the server no longer serves the stored version as ranges');
      }
      const reusable = outcome.kind === 'whole';
      if (!reusable) outcome.response.body?.cancel().catch(() => {});
      this.o.onNotice?.({
        type: 'single-stream',
        reason: reusable ? 'the server does not serve byte ranges' : 'ranged responses are content-encoded',
      });
      return this.single(outcome.remote, reusable ? outcome.response : null);
    }
    throw new Error('unreachable: ranged probe answers go to a range session');
  }

  /** Parallel ranges, the probe's response streaming the first of them. */
  private async attemptRanges(
    outcome: Extract<ProbeOutcome, { kind: 'ranges' }>,
    saved: SavedState | null,
    done: readonly ByteRange[],
    missing: ByteRange[],
    slot: Slot,
    probeAbort: AbortController,
  ): Promise<RemoteFile> {
    let remote: RemoteFile;
    try {
      remote = saved ? this.checkResume(saved, outcome.remote) : outcome.remote;
      this.remote = remote;
      await this.o.sink.begin(remote, done);
    } catch (error) {
      outcome.response.body?.cancel().catch(() => {});
      slot.release();
      throw error;
    }
    const size = remote.size as number;
    this.total = size;
    if (done.length > 0) this.o.onNotice?.({ type: 'resumed', doneBytes: this.doneBytes });
    const todo = missing.length > 0 ? missing : [{ start: 0, end: size - 1 }];
    this.session = new RangeSession({
      ctx: this.ctx,
      sink: this.o.sink,
      remote: { ...remote, size },
      missing: todo,
      opened: outcome.response,
      openedEnd: outcome.end,
      openedSlot: slot,
      openedAbort: probeAbort,
      pool: this.pool,
      limits: this.o.limits ?? [],
      ramp: this.o.ramp ?? true,
      maxConnections: this.o.maxConnections,
      minSplitBytes: Math.max(this.o.minSplitBytes ?? MIB, MIB),
      retry: this.retry,
      random: this.random,
      onBytes: (bytes) => this.count(bytes),
      onConnectionsLowered: (connections, status) =>
        this.o.onNotice?.({ type: 'connections-lowered', connections, status }),
      onRetry: (attempt, delayMs, error) =>
        this.o.onNotice?.({ type: 'retrying', attempt, delayMs, error: error.message }),
      countRequest: () => this.requests++,
      adaptations: this.adaptations,
    });
    try {
      await this.session.run();
    } finally {
      this.session = null;
    }
    return this.finish(remote);
  }

  /** Same file as the stored pieces? Otherwise the job restarts from zero. */
  private checkResume(saved: SavedState, probed: RemoteFile): RemoteFile {
    const verdict = sameResource(saved.remote, probed);
    if (!verdict.same) throw new ResourceChangedError(saved.remote.url, 'size or validator differs');
    if (!verdict.verified) this.o.onNotice?.({ type: 'unverified-resume' });
    return { ...saved.remote, finalUrl: probed.finalUrl };
  }

  /** One connection for the whole file: `opened` is the probe's 200, else a fresh request is made. */
  private async single(probed: RemoteFile, opened: HttpResponse | null): Promise<RemoteFile> {
    const remote: RemoteFile = { ...probed, acceptRanges: false };
    this.total = remote.size;
    await this.o.sink.begin(remote, []);
    const bytes = await singleStream({
      ctx: this.ctx,
      sink: this.o.sink,
      remote,
      retry: this.retry,
      random: this.random,
      opened,
      onBytes: (n) => this.count(n),
      pace: this.pace,
      onRestart: () => {
        this.doneBytes = 0;
        this.o.onNotice?.({ type: 'restarted', reason: 'no-ranges' });
      },
      countRequest: () => this.requests++,
    });
    return this.finish({ ...remote, size: bytes });
  }

  private async openWithRetry(
    url: string,
    range: RangeSpec,
    ifRange: string | null,
    abort: AbortSignal,
  ): Promise<ProbeOutcome> {
    const ctx = { ...this.ctx, signal: AbortSignal.any([this.ctx.signal, abort]) };
    for (let attempt = 1; ; attempt++) {
      try {
        this.requests++;
        return await openProbe(ctx, url, range, ifRange);
      } catch (error) {
        if (this.ctx.signal.aborted) throw this.ctx.signal.reason;
        if (!(error instanceof DownloadError) || error.scope === 'job' || attempt >= this.retry.attempts) {
          throw error;
        }
        const retryAfterMs = 'retryAfterMs' in error ? (error.retryAfterMs as number | null) : null;
        const delayMs = retryDelay(attempt, this.retry, this.random, retryAfterMs);
        this.o.onNotice?.({ type: 'retrying', attempt, delayMs, error: error.message });
        await this.o.clock.sleep(delayMs, this.ctx.signal);
      }
    }
  }

  /** An empty file answers 416 to `bytes=0-`: there is nothing to fetch. */
  private async finishEmpty(remote: RemoteFile): Promise<RemoteFile> {
    this.total = 0;
    await this.o.sink.begin({ ...remote, size: 0 }, []);
    return this.finish({ ...remote, size: 0 });
  }

  private async finish(remote: RemoteFile): Promise<RemoteFile> {
    await this.o.sink.finish();
    this.o.onProgress?.(this.progress(this.o.clock.now()));
    return remote;
  }

  private count(bytes: number): void {
    this.doneBytes += bytes;
    this.receivedBytes += bytes;
    this.meter.add(bytes, this.o.clock.now());
  }
}

function isBrokenRanges(error: DownloadError): boolean {
  return error.code === 'NO_RANGES' || error.code === 'BAD_CONTENT_RANGE';
}
