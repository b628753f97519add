import { NetworkError } from '../errors';
import { raceCandidate, streamRaceLost } from '../policies/endgame';
import { StragglerPolicy } from '../policies/stragglers';
import type { Claim } from '../scheduler';
import { SpeedMeter } from '../speed-meter';
import type { ConnectionProgress, Slot } from '../types';
import { Connection, isCalm, LOST_RACE, RESTART } from './connection';
import { type RangeSessionOptions, SessionContext } from './context';
import { PieceTransport } from './piece-transport';
import { Recovery } from './recovery';
import { StreamTransport } from './stream-transport';
import type { Opened, Transport } from './transport';

export type { RangeSessionOptions } from './context';

/** How often a connection without work looks again for a range worth taking over. */
const IDLE_POLL_MS = 100;
/** How often the session looks at its connections (ramp steps, stragglers, races). */
const MANAGE_MS = 25;

/**
 * Fetches the missing ranges of a file over parallel connections. Each connection takes work from the scheduler
 * until none is left, through the transport the sink calls for (streams or whole-response pieces, see
 * transport.ts). Every MANAGE_MS the policies look at the connections and the session carries out what they
 * decide: the ramp-up's next step, straggler restarts, lost races. A failed request is classified (failure.ts):
 * retried after a backoff (bounded), with fewer connections, from the original URL, or the end of the session.
 */
export class RangeSession {
  private readonly s: SessionContext;
  private readonly transport: Transport;
  private readonly stragglers: StragglerPolicy;
  private readonly recovery: Recovery;
  private nextConnectionId = 1;
  private readonly runs = new Set<Promise<void>>();
  /** Aborted when the last request ends: connections waiting for work stop waiting. */
  private readonly idleWake = new AbortController();

  constructor(private readonly o: RangeSessionOptions) {
    this.s = new SessionContext(o);
    const streams = new StreamTransport(this.s);
    this.transport = o.sink.writeResponse
      ? new PieceTransport(this.s, streams, o.sink.inOrder === true)
      : streams;
    this.stragglers = new StragglerPolicy(o.maxConnections);
    this.recovery = new Recovery(this.s);
  }

  async run(): Promise<void> {
    const { s, o } = this;
    const first = s.scheduler.claimPending();
    if (first) {
      s.scheduler.truncate(first, o.openedEnd);
      const others = this.transport.inOrder ? [] : s.scheduler.splitEvenly(first, s.limit, o.minSplitBytes);
      this.spawn(first, { response: o.opened, end: o.openedEnd }, o.openedSlot, o.openedAbort);
      for (const claim of others) this.spawn(claim, null);
    } else {
      o.opened.body?.cancel().catch(() => {});
      o.openedAbort?.abort('done');
      o.openedSlot?.release();
    }
    // A bounded probe (piece mode) leaves the rest pending: the other starting connections share it evenly
    // (in order: each takes the next piece from the front).
    const rest = this.runs.size < s.limit && !this.transport.inOrder ? s.scheduler.claimPending() : null;
    if (rest) {
      const parts = s.scheduler.splitEvenly(rest, s.limit - this.runs.size, o.minSplitBytes);
      this.spawn(rest, null);
      for (const claim of parts) this.spawn(claim, null);
    }
    this.fill();
    const stop = new AbortController();
    const managing = this.manage(stop.signal);
    try {
      while (this.runs.size > 0) await Promise.all([...this.runs]);
      // Connections that gave up (lowered count) may have left work behind; the remaining ones take it.
      while (!s.fatal && !s.scheduler.finished && !o.ctx.signal.aborted) await this.runConnection(null, null);
    } finally {
      stop.abort();
      await managing;
      // Every piece read is stored (or has failed) before the session ends.
      await s.storesSettled();
    }
    if (s.fatal) throw s.fatal;
    if (o.ctx.signal.aborted) throw o.ctx.signal.reason;
  }

  /** What each connection is doing, for progress reports. */
  connections(nowMs: number): ConnectionProgress[] {
    const list: ConnectionProgress[] = [];
    for (const c of this.s.connections.values()) {
      if (!c.claim) continue;
      list.push({
        id: c.id,
        state: c.state,
        range: { start: c.claim.start, end: c.claim.end },
        receivedBytes: c.claim.pos - c.claim.start,
        speedBytesPerSecond: c.rate(nowMs),
      });
    }
    return list;
  }

  /** Aborts requests that have received nothing for `idleMs`; their connections retry. */
  abortIdle(nowMs: number, idleMs: number): void {
    const url = this.s.segmentUrl;
    const seconds = Math.round(idleMs / 1000);
    for (const c of this.s.connections.values()) {
      if (c.controller && nowMs - c.lastDataMs > idleMs + c.allowanceMs) {
        c.controller.abort(
          new NetworkError(url, `no data for ${seconds} s`, { kind: 'stalled', url, seconds }),
        );
      }
    }
  }

  /** Starts connections up to the limit. */
  private fill(): void {
    while (this.runs.size < this.s.limit) this.spawn(null, null);
  }

  private spawn(
    claim: Claim | null,
    opened: Opened | null,
    slot: Slot | null = null,
    abort: AbortController | null = null,
  ): void {
    const a = this.o.adaptations;
    a.peakConnections = Math.max(a.peakConnections, this.runs.size + 1);
    const run: Promise<void> = this.runConnection(claim, opened, slot, abort).finally(() =>
      this.runs.delete(run),
    );
    this.runs.add(run);
  }

  /** Every MANAGE_MS until the session ends: the policies decide, the session acts. */
  private async manage(stop: AbortSignal): Promise<void> {
    const { s } = this;
    const { clock, signal } = this.o.ctx;
    while (!stop.aborted && !signal.aborted) {
      await clock.sleep(MANAGE_MS, stop).catch(() => {});
      if (stop.aborted || s.fatal) return;
      const now = clock.now();
      const connections = [...s.connections.values()];
      const grew = s.ramp.update({
        nowMs: now,
        allowed: s.allowed,
        remainingBytes: s.scheduler.remainingBytes(),
        connections,
        deliveredBytes: s.delivered,
        deliveredAtMs: s.deliveredAtMs,
        newestId: this.nextConnectionId - 1,
      });
      if (grew) this.fill();
      for (const c of this.stragglers.update(connections, now, s.startupSeconds)) {
        this.o.adaptations.stragglerRestarts++;
        c.controller?.abort(RESTART);
      }
      if (!this.transport.pieces) this.abortLostRaces();
    }
  }

  /** Stream mode: a racer still waiting for its answer loses once the owner has reached the racer's range. */
  private abortLostRaces(): void {
    for (const c of this.s.connections.values()) {
      const race = c.race;
      if (!race || race.racer !== c || race.settled) continue;
      if (streamRaceLost(race.claim, this.s.scheduler.holds(race.claim), race.from)) {
        race.settled = true;
        c.controller?.abort(LOST_RACE);
      }
    }
  }

  /** The endgame's candidate owner to race against now, if any. */
  private raceOwner(): Connection | null {
    const { s } = this;
    const hints = s.hints(!this.transport.pieces);
    return raceCandidate({
      connections: [...s.connections.values()],
      nowMs: s.now(),
      expectedSpeed: hints.expectedSpeed,
      unitBytes: this.transport.raceUnitBytes(hints.expectedSpeed, hints.minSplitBytes),
      remainingBytes: s.scheduler.remainingBytes(),
      startupSeconds: s.startupSeconds,
      pieces: this.transport.pieces,
      racesOf: (id) => s.racesOf(id),
    });
  }

  /** One connection's life: claim work, fetch it, race at the end, recover from failures, until none is left. */
  private async runConnection(
    claim: Claim | null,
    opened: Opened | null,
    slot: Slot | null = null,
    abort: AbortController | null = null,
  ): Promise<void> {
    const { s, transport } = this;
    const { ctx } = this.o;
    const connection = new Connection(this.nextConnectionId++, ctx.clock.now(), slot, abort);
    s.connections.set(connection.id, connection);
    let attempt = 0;
    const failed = async (error: unknown): Promise<boolean> => {
      if (isCalm(error) && !ctx.signal.aborted && !s.fatal) return true;
      attempt++;
      return this.recovery.recover(connection, error, attempt);
    };
    try {
      while (!s.fatal && !ctx.signal.aborted) {
        if (s.connections.size > s.limit) return;
        connection.claim = claim ?? transport.claimWork(connection);
        claim = null;
        if (!connection.claim) {
          if (s.scheduler.finished) return;
          // Endgame: race a duplicate request for the slowest connection's bytes.
          const owner = this.raceOwner();
          if (owner) {
            let won: Awaited<ReturnType<Transport['race']>> = null;
            try {
              won = await transport.race(connection, owner);
              // The tail is this connection's now: its open response streams it next.
              if (won) ({ claim, opened } = won);
            } catch (error) {
              if (error === LOST_RACE) this.o.adaptations.racesLost++;
              if (!(await failed(error))) return;
            } finally {
              if (won) connection.endRace();
              else this.endRequest(connection);
            }
            continue;
          }
          // Others are still fetching: a split may become worthwhile once their speeds are known.
          transport.idle();
          connection.state = 'connecting';
          await ctx.clock
            .sleep(IDLE_POLL_MS, AbortSignal.any([ctx.signal, this.idleWake.signal]))
            .catch(() => {});
          continue;
        }
        let more = false;
        try {
          const outcome = await transport.fetchClaim(connection, opened);
          if (outcome.progressed) attempt = 0;
          more = outcome.more;
        } catch (error) {
          // A restarted straggler starts its new request with no speed record.
          if (error === RESTART) {
            connection.meter = new SpeedMeter();
            connection.steadyBytesPerSecond = 0;
          }
          if (!(await failed(error))) return;
        } finally {
          opened = null;
          // Piece mode: the rest of the claim stays with this connection for its next request.
          if (more && connection.claim) claim = connection.claim;
          else if (connection.claim) s.scheduler.release(connection.claim);
          connection.claim = null;
          this.endRequest(connection);
        }
      }
    } finally {
      if (claim) s.scheduler.release(claim);
      this.endRequest(connection);
      s.connections.delete(connection.id);
    }
  }

  /** A request is over: its slot goes back to the pool, its race (if any) ends. */
  private endRequest(connection: Connection): void {
    connection.endRequest(this.o.pool, this.s.host, this.o.ctx.clock);
    // The last request: connections waiting for work end now rather than at their next look.
    if (this.s.scheduler.finished) this.idleWake.abort();
  }
}
