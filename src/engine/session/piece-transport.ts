import { pieceAllowanceMs, pieceBytes, slowPiece, timedPieceBytes } from '../policies/piece-size';
import { paceAll } from '../rate-limiter';
import type { Claim } from '../scheduler';
import { type Connection, LOST_RACE, SLOW_PIECE } from './connection';
import type { SessionContext } from './context';
import type { StreamTransport } from './stream-transport';
import type { FetchOutcome, Opened, Transport, WonTail } from './transport';

/**
 * Piece mode (`sink.writeResponse`, the browser): one request per piece of at most `preferredWriteBytes`, whose
 * whole response goes to the sink (which may read it natively, never through this code). A connection fetches
 * its claim piece after piece over a reused connection; the piece in flight is reserved in the scheduler so no
 * split cuts into it. The probe's open-ended response cannot be a piece: its first piece is streamed, then it
 * is cancelled. Under a speed limit a piece is asked for only when the limit allows its bytes, since the
 * platform may read a response ahead of its reader.
 */
export class PieceTransport implements Transport {
  readonly pieces = true;

  constructor(
    private readonly s: SessionContext,
    private readonly streams: StreamTransport,
    readonly inOrder: boolean,
  ) {}

  claimWork(connection: Connection): Claim | null {
    const front = this.inOrder ? this.pieceBytes(connection) : undefined;
    return this.s.scheduler.claimWork(this.s.hints(false), front);
  }

  async fetchClaim(connection: Connection, opened: Opened | null): Promise<FetchOutcome> {
    const claim = connection.claim!;
    const pieceEnd = Math.min(claim.end, claim.pos + this.pieceBytes(connection) - 1);
    this.s.scheduler.reserve(claim, pieceEnd);
    if (opened) await this.streams.stream(connection, opened, () => Math.min(claim.end, claim.reservedEnd));
    else await this.fetchPiece(connection);
    return { progressed: true, more: claim.pos <= claim.end };
  }

  raceUnitBytes(expectedSpeed: number): number {
    return timedPieceBytes(expectedSpeed, this.s.o.sink.preferredWriteBytes);
  }

  idle(): void {
    const { s } = this;
    if (s.scheduler.hasPending) return;
    const slowest = slowPiece([...s.connections.values()], s.now(), s.startupSeconds);
    slowest?.controller?.abort(SLOW_PIECE);
  }

  /**
   * One request for the reserved piece `[claim.pos, claim.reservedEnd]`, its whole response handed to the sink.
   * On success the claim advances past the piece; on failure nothing moved, and the caller releases the claim
   * from the piece's start.
   */
  private async fetchPiece(connection: Connection): Promise<void> {
    const { s } = this;
    const claim = connection.claim!;
    const controller = new AbortController();
    connection.open(controller, true);
    const signal = AbortSignal.any([s.o.ctx.signal, controller.signal]);
    const offset = claim.pos;
    let stored = false;
    try {
      if (s.limitRate() !== null) {
        await paceAll(s.o.limits, claim.reservedEnd - claim.pos + 1, signal);
        connection.lastDataMs = s.now();
      }
      await s.takeSlot(connection, signal);
      const sentMs = s.now();
      const { response, end } = await s.openRange(connection, claim.pos, claim.reservedEnd, signal);
      // A short (honest) answer makes a shorter piece; the rest of the claim follows in the next request.
      s.scheduler.reserve(claim, end);
      const length = end - offset + 1;
      const now = s.now();
      s.noteFirstByte(sentMs, now);
      connection.receiving(now);
      connection.allowanceMs = pieceAllowanceMs(connection.rate(now), length);
      // The piece's rate is measured from its first byte (a zero sample marks the start).
      connection.meter.add(0, now);
      // In an endgame race, only the first copy read whole is stored. `commit` runs once the body is read: from
      // then on the connection is free for the next piece while the sink stores this one.
      let markRead = () => {};
      const read = new Promise<'read'>((resolve) => {
        markRead = () => resolve('read');
      });
      const commit = () => {
        if (claim.pos !== offset) return false;
        const race = connection.race;
        if (race) {
          if (race.settled) return false;
          race.settled = true;
          race.racer.controller?.abort(LOST_RACE);
        }
        markRead();
        return true;
      };
      const storing = s.o.sink.writeResponse!(offset, length, response, commit);
      const first = await Promise.race([read, storing]);
      if (first === false) throw LOST_RACE;
      stored = true;
      s.storing(storing);
      const doneMs = s.now();
      s.scheduler.advance(claim, end + 1);
      connection.meter.add(length, doneMs);
      connection.lastDataMs = doneMs;
      connection.allowanceMs = 0;
      connection.pieceRate = (length * 1000) / Math.max(1, doneMs - now);
      connection.markReadWhole();
      connection.pieceStartMs = now;
      s.count(length, connection, doneMs);
    } catch (error) {
      throw s.failureOf(error, controller);
    } finally {
      // A fully read response leaves its connection to be reused (keep-alive); anything else is torn down.
      if (!stored) controller.abort('done');
    }
  }

  /**
   * Fetches the owner's piece in flight; whichever reads it whole first stores it, the other is aborted. The
   * racer's copy stored means the owner's request is dropped and its claim moves past the piece.
   */
  async race(racer: Connection, owner: Connection): Promise<WonTail | null> {
    const { s } = this;
    const claim = owner.claim!;
    s.countRace(claim);
    const from = claim.pos;
    const to = claim.reservedEnd;
    if (from > to) return null;
    const { race, controller } = s.beginRace(racer, owner, from);
    const signal = AbortSignal.any([s.o.ctx.signal, controller.signal]);
    try {
      await s.takeSlot(racer, signal);
      const { response, end } = await s.openRange(racer, from, to, signal);
      racer.receiving(s.now());
      const length = end - from + 1;
      racer.allowanceMs = pieceAllowanceMs(racer.rate(s.now()), length);
      const stored = await s.o.sink.writeResponse!(from, length, response, () => {
        if (race.settled || !s.scheduler.holds(claim) || claim.pos !== from) return false;
        race.settled = true;
        return true;
      });
      if (!stored) {
        s.o.adaptations.racesLost++;
        return null;
      }
      s.o.adaptations.racesWon++;
      owner.controller?.abort(LOST_RACE);
      s.scheduler.advance(claim, end + 1);
      const doneMs = s.now();
      racer.meter.add(length, doneMs);
      s.count(length, racer, doneMs);
      return null;
    } catch (error) {
      throw s.failureOf(error, controller);
    } finally {
      controller.abort('done');
    }
  }

  /** How many bytes the connection asks for next. */
  private pieceBytes(connection: Connection): number {
    const { s } = this;
    return pieceBytes({
      preferredBytes: s.o.sink.preferredWriteBytes,
      rateBytesPerSecond: connection.rate(s.now()) || s.o.expectedBytesPerSecond,
      fetchedBytes: connection.bytes,
      inOrder: this.inOrder,
      ramping: s.ramp.ramping,
      limitBytesPerSecond: s.limitRate(),
      remainingBytes: this.remainingBytes(),
      connections: s.connections.size,
    });
  }

  /**
   * Bytes left to receive. The scheduler counts a piece in flight whole until it is read (its bytes arrive
   * unseen); near the end that would size the last pieces for work mostly done, and they would land together,
   * large, well after the pieces before them. So a piece in flight counts what its connection's rate says is
   * still to come since its first byte.
   */
  private remainingBytes(): number {
    const { s } = this;
    const now = s.now();
    let bytes = s.scheduler.remainingBytes();
    for (const c of s.connections.values()) {
      const claim = c.claim;
      if (!claim || c.state !== 'receiving' || claim.reservedEnd < claim.pos) continue;
      const rate = c.pieceRate || c.rate(now);
      const received = (rate * Math.max(0, now - c.lastDataMs)) / 1000;
      bytes -= Math.min(claim.reservedEnd - claim.pos + 1, received);
    }
    return Math.max(0, Math.round(bytes));
  }
}
