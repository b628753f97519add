import { TruncatedBodyError } from '../errors';
import { streamRaceRange } from '../policies/endgame';
import { speedOf } from '../policies/estimates';
import { HeadMeter } from '../policies/fresh-requests';
import { pump } from '../pump';
import { paceAll } from '../rate-limiter';
import type { Claim } from '../scheduler';
import type { Connection } from './connection';
import type { SessionContext } from './context';
import type { FetchOutcome, Opened, Transport, WonTail } from './transport';

/** How long a body read to its last byte is given to end before it is cancelled (its connection then closes). */
const DRAIN_MS = 50;

/**
 * Stream mode (`sink.write` only, the CLI): one request per claim, its body read here and written in batches of
 * the sink's preferred size; reads are paced by the speed limits. A free connection splits off the back of the
 * claim expected to finish last; at the end, an idle connection races for the tail of the slowest stream. A
 * response that carries bytes past its claim (the probe's `bytes=0-` carries the whole file) goes on into the
 * pending range right after the claim instead of closing: where a link serves one request only, that one stream
 * carries the file to its end.
 */
export class StreamTransport implements Transport {
  readonly pieces = false;
  readonly inOrder = false;

  constructor(private readonly s: SessionContext) {}

  claimWork(_connection: Connection): Claim | null {
    return this.s.scheduler.claimWork(this.s.hints(true));
  }

  async fetchClaim(connection: Connection, opened: Opened | null): Promise<FetchOutcome> {
    const claim = connection.claim!;
    return this.stream(connection, opened, () => claim.end, { extend: true, renew: true });
  }

  raceUnitBytes(_expectedSpeed: number, minSplitBytes: number): number {
    return minSplitBytes;
  }

  idle(): void {}

  /**
   * Streams the connection's claim up to `lastByte()` (read live: a split may shrink the claim), from `opened`
   * or a new request; with `extend`, on into pending bytes the response carries past the claim. With `renew`, on
   * a server whose responses start with a burst (fresh-requests.ts), a request asks for about a second's worth and
   * a longer response is cut there: the claim's rest is `more`, for the connection's next request.
   */
  async stream(
    connection: Connection,
    opened: Opened | null,
    lastByte: () => number,
    { extend = false, renew = false }: { extend?: boolean; renew?: boolean } = {},
  ): Promise<FetchOutcome> {
    const { s } = this;
    const claim = connection.claim!;
    // A response opened earlier (the probe's, a won race's) comes with its request's controller.
    const inherited = opened && connection.requesting ? connection.controller : null;
    const controller = inherited ?? new AbortController();
    connection.open(controller, !inherited);
    const signal = AbortSignal.any([s.o.ctx.signal, controller.signal]);
    const startPos = claim.pos;
    let sentMs = s.now();
    // The last byte the response carries (a response opened elsewhere: unknown, so counted as cut short).
    let responseEnd = Number.POSITIVE_INFINITY;
    // The last byte the claim may grow to, into pending bytes the response carries.
    let carries = opened?.end ?? -1;
    // Where a renewing stream stops (fixed once the server is known to burst): Infinity, at the claim's end.
    let cutAt = Number.POSITIVE_INFINITY;
    const cut = (): number => {
      if (renew && cutAt === Number.POSITIVE_INFINITY && s.fresh.renewing) {
        const remaining = s.scheduler.remainingBytes();
        cutAt = startPos + s.fresh.requestBytes(connection.steadyBytesPerSecond, remaining, s.limit) - 1;
      }
      return cutAt;
    };
    // The last byte this response is read to: its claim's end, or where it is cut or ends before it.
    const stopAt = (): number => Math.min(lastByte(), responseEnd, cut());
    const head = new HeadMeter(connection.steadyBytesPerSecond);
    try {
      let response = opened?.response ?? null;
      if (!response) {
        await s.takeSlot(connection, signal);
        sentMs = s.now();
        const askEnd = Math.min(claim.end, cut());
        if (askEnd < claim.end) s.o.adaptations.freshRequests++;
        const opening = await s.openRange(connection, claim.pos, askEnd, signal);
        // A short answer is legal: take what came, the rest goes back to the pool.
        if (opening.end < askEnd) s.scheduler.truncate(claim, opening.end);
        response = opening.response;
        responseEnd = opening.end;
        carries = opening.end;
        s.noteFirstByte(sentMs, s.now());
      }
      connection.receiving(s.now());
      if (!response.body) throw new TruncatedBodyError(s.segmentUrl, lastByte() - claim.pos + 1, 0);
      const { limits } = s.o;
      const end = await pump({
        body: response.body,
        sink: s.o.sink,
        offset: claim.pos,
        lastByte: stopAt,
        onBytes: (bytes, next) => {
          const now = s.now();
          s.scheduler.advance(claim, next);
          connection.meter.add(bytes, now);
          connection.lastDataMs = now;
          s.count(bytes, connection, now);
          if (renew) {
            const measured = head.add(bytes, now, s.startupSeconds);
            if (measured) {
              connection.steadyBytesPerSecond = measured.steadyBytesPerSecond;
              s.fresh.observe(measured);
            }
          }
        },
        pace: limits.length > 0 ? (bytes) => paceAll(limits, bytes, signal) : undefined,
        // Only a stream read to its claim's end goes on past it.
        extend: extend ? () => cut() > claim.end && s.scheduler.extend(claim, carries) : undefined,
        ...(Number.isFinite(responseEnd)
          ? { bodyEnd: responseEnd, drainWithin: (done: AbortSignal) => s.o.ctx.clock.sleep(DRAIN_MS, done) }
          : {}),
      });
      if (end <= stopAt()) {
        throw new TruncatedBodyError(s.segmentUrl, stopAt() - startPos + 1, end - startPos);
      }
      const more = end <= lastByte();
      if (end > responseEnd) {
        connection.markReadWhole();
        // A connection is given back to its pool a turn of the event loop after its body's end: the claim's
        // next request, sent sooner, would find it still taken and open another (docs/platform.md fact 19).
        if (more) await s.o.ctx.clock.sleep(0);
      }
      return { progressed: true, more };
    } catch (error) {
      throw s.failureOf(error, controller);
    } finally {
      controller.abort('done');
    }
  }

  /**
   * Asks for the owner's tail from where the owner should be when the answer comes. If the answer comes first,
   * the tail becomes the racer's claim (the owner stops before it) and is returned with the open response.
   */
  async race(racer: Connection, owner: Connection): Promise<WonTail | null> {
    const { s } = this;
    const claim = owner.claim!;
    s.countRace(claim);
    const range = streamRaceRange(
      claim,
      speedOf(owner, s.now()),
      s.hints(true).expectedSpeed,
      s.startupSeconds,
    );
    if (!range) return null;
    const { race, controller } = s.beginRace(racer, owner, range.from);
    const signal = AbortSignal.any([s.o.ctx.signal, controller.signal]);
    let won: Claim | null = null;
    try {
      await s.takeSlot(racer, signal);
      const { response, end } = await s.openRange(racer, range.from, range.to, signal);
      racer.receiving(s.now());
      // The answer arrived: the tail is the racer's if the owner has not reached it yet.
      won = race.settled ? null : s.scheduler.cede(claim, range.from);
      race.settled = true;
      if (!won) {
        s.o.adaptations.racesLost++;
        response.body?.cancel().catch(() => {});
        return null;
      }
      s.o.adaptations.racesWon++;
      s.scheduler.truncate(won, end);
      return { claim: won, opened: { response, end } };
    } catch (error) {
      throw s.failureOf(error, controller);
    } finally {
      // A won tail keeps its request open: the racer streams it on.
      if (!won) controller.abort('done');
    }
  }
}
