import type { ConnectionView } from '../policies/view';
import type { Claim } from '../scheduler';
import { SpeedMeter } from '../speed-meter';
import type { Clock, ConnectionPool, ConnectionState, Slot } from '../types';

/** A slot of a connection cut short goes back to a host that limits connections this much later. */
const CUT_CLOSE_MS = 50;

/** Abort reasons that are no failure of the connection: its bytes go back to the pool, nothing is retried. */
export const RESTART = Symbol('restart on a new connection');
export const LOST_RACE = Symbol('lost an endgame race');
export const SLOW_PIECE = Symbol('slow piece');

export function isCalm(reason: unknown): boolean {
  return reason === SLOW_PIECE || reason === RESTART || reason === LOST_RACE;
}

/**
 * An endgame race: a free connection asks again for bytes a slow one is still fetching. The first to deliver
 * wins; the other is aborted. Stream mode races for the tail `[from, claim.end]` (the racer wins when its
 * answer arrives before the owner reaches `from`); piece mode races for the whole piece in flight (the first
 * response read whole is stored, the other is dropped unstored).
 */
export interface Race {
  owner: Connection;
  racer: Connection;
  /** The owner's claim raced for. */
  claim: Claim;
  /** First byte the racer asked for. */
  from: number;
  settled: boolean;
}

/**
 * One connection of a range session: the claim it works on and the life of its current request (the slot it
 * holds, its abort controller, when bytes last came). Only the session and its transport change it, through
 * these methods; policies see it read-only.
 */
export class Connection implements ConnectionView {
  claim: Claim | null = null;
  state: ConnectionState = 'connecting';
  meter = new SpeedMeter();
  /** Aborts the current request (null when none is open). */
  controller: AbortController | null;
  lastDataMs: number;
  /** Extra time the watchdog allows a whole-response piece in flight, whose bytes arrive unseen. */
  allowanceMs = 0;
  /** This connection's slot in the host pool while a request is open. */
  slot: Slot | null;
  /** When the current response started to arrive (null when none is). */
  receivingSinceMs: number | null = null;
  /** An endgame race on this connection's bytes, whichever side of it this connection is. */
  race: Race | null = null;
  /** Bytes this connection has delivered. */
  bytes = 0;
  /** Piece mode: the rate of the last piece received, and when that piece's first byte came. */
  pieceRate = 0;
  pieceStartMs = Number.NEGATIVE_INFINITY;
  /** Stream mode: the rate its last measured response kept after its head (fresh-requests.ts; 0 when none). */
  steadyBytesPerSecond = 0;
  /** Requests this connection has ended: with `id`, names the request now open. */
  requestsEnded = 0;
  /** The link stopped answering this connection: its next request renews it from the original URL. */
  refreshing = false;
  /** The current response was read to its end (otherwise its connection is cut when the request ends). */
  private readWhole = false;

  constructor(
    readonly id: number,
    nowMs: number,
    slot: Slot | null,
    controller: AbortController | null,
  ) {
    this.lastDataMs = nowMs;
    this.slot = slot;
    this.controller = controller;
  }

  get hasRequest(): boolean {
    return this.controller !== null;
  }

  get racing(): boolean {
    return this.race !== null;
  }

  rate(nowMs: number): number {
    return this.meter.rate(nowMs);
  }

  /** Whether a request is open and not aborted. */
  get requesting(): boolean {
    return this.controller !== null && !this.controller.signal.aborted;
  }

  /** A new request begins (or a response opened elsewhere is taken over, with its controller). */
  open(controller: AbortController, connecting: boolean): void {
    this.controller = controller;
    if (connecting) this.state = 'connecting';
  }

  /** Holds a slot to `host` for the next request, waiting for one when the host is at its cap. */
  async takeSlot(pool: ConnectionPool, host: string, clock: Clock, signal: AbortSignal): Promise<void> {
    if (this.slot) return;
    this.slot = await pool.acquire(host, signal);
    this.lastDataMs = clock.now();
  }

  /** The response started to arrive. */
  receiving(nowMs: number): void {
    this.state = 'receiving';
    this.lastDataMs = nowMs;
    this.receivingSinceMs ??= nowMs;
  }

  /** The response was read to its end: its connection can be reused. */
  markReadWhole(): void {
    this.readWhole = true;
  }

  /**
   * The request is over: its slot goes back to the pool. A host that limits connections counts one cut short
   * until it sees it close, so its slot is given back a moment later: the next request is then not refused for
   * it (which would lower the host's cap for nothing).
   */
  endRequest(pool: ConnectionPool, host: string, clock: Clock): void {
    this.controller = null;
    this.allowanceMs = 0;
    this.receivingSinceMs = null;
    const slot = this.slot;
    this.slot = null;
    if (slot && !this.readWhole && pool.limits(host)) {
      void clock.sleep(CUT_CLOSE_MS).then(() => slot.release());
    } else {
      slot?.release();
    }
    this.readWhole = false;
    this.requestsEnded++;
    this.endRace();
  }

  /** The race this connection is in (if any) is over, for both sides. */
  endRace(): void {
    const race = this.race;
    if (!race) return;
    race.settled = true;
    race.owner.race = null;
    race.racer.race = null;
  }
}
