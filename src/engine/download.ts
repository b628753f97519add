import { DownloadProgress } from './download-progress';
import { AbortedError, DownloadError, detailOf, ResourceChangedError } from './errors';
import { isBrokenRanges } from './failure';
import { HostPool } from './host-pool';
import { openProbeWithRetry, type ProbeOutcome, withoutRanges } from './probe';
import { totalLength } from './ranges';
import { paceAll } from './rate-limiter';
import type { RangeSpec, RequestContext } from './request';
import { resumedRemote, resumePlan } from './resume-plan';
import { DEFAULT_RETRY } from './retry-policy';
import { RangeSession } from './session/range-session';
import { singleStream } from './single-stream';
import type {
  Adaptations,
  ByteRange,
  ConnectionPool,
  DownloadNotice,
  DownloadOptions,
  DownloadResult,
  HttpResponse,
  Progress,
  RemoteFile,
  SavedState,
  Slot,
} from './types';
import { ifRangeValue } from './validators';

const MIB = 1024 * 1024;
/** A changed file restarts the job; a file that keeps changing fails it. */
const MAX_RESTARTS = 3;
/** A connection that receives nothing this long is dropped and retried (DownloadOptions.readTimeoutMs). */
const READ_TIMEOUT_MS = 30_000;

/**
 * Downloads `options.url` into `options.sink`: probe, then parallel ranges (or one stream when the server
 * has no ranges), resuming from whatever the sink already holds. Requests never follow a redirect away from the
 * URL the link resolved to; fresh links come from `options.originalUrl` (refresh.ts). Resolves when the sink
 * holds every byte and has been finished; rejects with a DownloadError otherwise.
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
    allowUrl: options.allowUrl,
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
  private readonly bytes = new DownloadProgress();
  private requests = 0;
  private session: RangeSession | null = null;
  /** What the last probe learned. */
  private remote: RemoteFile | null = null;
  private readonly pool: ConnectionPool;
  private readonly adaptations: Adaptations = {
    racesWon: 0,
    racesLost: 0,
    stragglerRestarts: 0,
    freshRequests: 0,
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
          receivedBytes: this.bytes.receivedBytes,
          requests: this.requests,
          adaptations: this.adaptations,
        };
      } catch (error) {
        if (this.ctx.signal.aborted) throw this.ctx.signal.reason;
        if (restarts >= MAX_RESTARTS || !(error instanceof DownloadError)) throw error;
        if (error instanceof ResourceChangedError) {
          this.notice({ type: 'restarted', reason: 'changed' });
        } else if (isBrokenRanges(error) && this.remote && !brokenRanges) {
          // The server's ranged answers cannot be trusted; its plain answer still can.
          brokenRanges = this.remote;
          this.notice({ type: 'single-stream', reason: error.message });
        } else {
          throw error;
        }
        await this.o.sink.reset();
        this.bytes.doneBytes = 0;
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
      this.session?.abortIdle(now, this.o.readTimeoutMs ?? READ_TIMEOUT_MS);
      if (!signal.aborted) this.o.onProgress?.(this.progress(now));
    }
  }

  progress(now: number): Progress {
    return this.bytes.report(now, this.session?.connections(now) ?? []);
  }

  private async attempt(saved: SavedState | null): Promise<RemoteFile> {
    const plan = resumePlan(saved, this.o.sink.writeResponse !== undefined);
    const { done, missing } = plan;
    const { url } = this.o;
    const from = plan.probe.start;
    this.bytes.doneBytes = totalLength(done);
    this.bytes.totalBytes = saved?.remote.size ?? null;
    if (saved && plan.complete) return this.finish(saved.remote);

    // The probe is a connection like the others: it waits for a slot to its host.
    const slot = await this.pool.acquire(HostPool.hostOf(url), this.ctx.signal);
    // Its own abort, so the connection that streams it can close it once its part is in.
    const probeAbort = new AbortController();
    let outcome: ProbeOutcome;
    try {
      outcome = await this.openWithRetry(
        url,
        plan.probe,
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
    return this.attemptRanges(outcome, saved, done, missing, slot, probeAbort);
  }

  /** The probe answered but not with usable ranges: an empty file, a whole-file answer, or encoded ranges. */
  private async attemptWithoutSession(
    outcome: ProbeOutcome,
    saved: SavedState | null,
    url: string,
    from: number,
  ): Promise<RemoteFile> {
    const next = withoutRanges(outcome, saved !== null, url, from);
    if (next.kind === 'empty') return this.finishEmpty(outcome.remote);
    this.notice({ type: 'single-stream', reason: next.reason });
    return this.single(outcome.remote, next.opened);
  }

  /** Parallel ranges, the probe's response streaming the first of them. */
  private async attemptRanges(
    outcome: Extract<ProbeOutcome, { kind: 'ranges' }>,
    saved: SavedState | null,
    done: readonly ByteRange[],
    missing: readonly ByteRange[],
    slot: Slot,
    probeAbort: AbortController,
  ): Promise<RemoteFile> {
    let remote: RemoteFile;
    try {
      remote = saved
        ? resumedRemote(saved, outcome.remote, () => this.notice({ type: 'unverified-resume' }))
        : outcome.remote;
      this.remote = remote;
      await this.o.sink.begin(remote, done);
    } catch (error) {
      outcome.response.body?.cancel().catch(() => {});
      slot.release();
      throw error;
    }
    const size = remote.size as number;
    this.bytes.totalBytes = size;
    if (done.length > 0) this.notice({ type: 'resumed', doneBytes: this.bytes.doneBytes });
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
      expectedBytesPerSecond: this.o.expectedBytesPerSecond ?? 0,
      maxConnections: this.o.maxConnections,
      minSplitBytes: Math.max(this.o.minSplitBytes ?? MIB, MIB),
      retry: this.retry,
      random: this.random,
      onBytes: (bytes) => this.count(bytes),
      onConnectionsLowered: (connections, status) =>
        this.notice({ type: 'connections-lowered', connections, status }),
      onRetry: (attempt, delayMs, error) =>
        this.notice({ type: 'retrying', attempt, delayMs, error: error.message, detail: detailOf(error) }),
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

  /** One connection for the whole file: `opened` is the probe's 200, else a fresh request is made. */
  private async single(probed: RemoteFile, opened: HttpResponse | null): Promise<RemoteFile> {
    const remote: RemoteFile = { ...probed, acceptRanges: false };
    this.bytes.totalBytes = remote.size;
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
        this.bytes.doneBytes = 0;
        this.notice({ type: 'restarted', reason: 'no-ranges' });
      },
      countRequest: () => this.requests++,
    });
    return this.finish({ ...remote, size: bytes });
  }

  private openWithRetry(url: string, range: RangeSpec, ifRange: string | null, abort: AbortSignal) {
    const ctx = { ...this.ctx, signal: AbortSignal.any([this.ctx.signal, abort]) };
    const link = { url, originalUrl: this.o.originalUrl ?? url };
    return openProbeWithRetry(ctx, link, range, ifRange, {
      retry: this.retry,
      random: this.random,
      onRequest: () => this.requests++,
      onRetry: (attempt, delayMs, error) =>
        this.notice({ type: 'retrying', attempt, delayMs, error: error.message, detail: detailOf(error) }),
    });
  }

  /** An empty file answers 416 to `bytes=0-`: there is nothing to fetch. */
  private async finishEmpty(remote: RemoteFile): Promise<RemoteFile> {
    this.bytes.totalBytes = 0;
    await this.o.sink.begin({ ...remote, size: 0 }, []);
    return this.finish({ ...remote, size: 0 });
  }

  private async finish(remote: RemoteFile): Promise<RemoteFile> {
    await this.o.sink.finish();
    this.o.onProgress?.(this.progress(this.o.clock.now()));
    return remote;
  }

  private notice(notice: DownloadNotice): void {
    this.o.onNotice?.(notice);
  }

  private count(bytes: number): void {
    this.bytes.add(bytes, this.o.clock.now());
  }
}
