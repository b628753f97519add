import { medianPositive } from './estimates';
import type { ConnectionView } from './view';

/** The first piece of a connection whose speed is not known yet (small: it may be a slow one). */
const FIRST_PIECE_BYTES = 256 * 1024;
/** The smallest piece worth a request (unless the claim has less left). */
const MIN_PIECE_BYTES = 256 * 1024;
/**
 * A piece is at most what its connection receives in about this long. A piece in flight cannot be split, so
 * this bounds how long a slow connection can hold the finish; it also lets the watchdog, which sees no byte
 * before the whole piece is in, tell a slow connection from a stalled one. And a stopped worker loses exactly
 * the pieces in flight (docs/platform.md fact 1), so a stop costs at most about this long of the download's
 * throughput: at 6 connections x 1 MiB/s, about 6 MiB.
 */
export const PIECE_SECONDS = 1;
/**
 * A connection that fetches a whole preferred piece within this long (4 MiB/s and up for 8 MiB pieces) always
 * fetches whole preferred pieces: fewer requests, the sizes IndexedDB writes fastest (docs/platform.md fact 5),
 * and its measured rate, which runs low over its first pieces (the start-ups between them count), cannot cut
 * them short. Such a connection's stop loses at most one preferred piece.
 */
const WHOLE_PIECE_SECONDS = 2;
/** While ramping up: short pieces, so each step's throughput shows quickly. */
const RAMP_PIECE_SECONDS = 0.15;
/** Under a speed limit: a piece is what the limit lets through in about this long. */
const LIMITED_PIECE_SECONDS = 0.5;
const MIN_LIMITED_PIECE_BYTES = 16 * 1024;
/** The rate a piece is allowed to take when its connection's speed is not known yet. */
const FLOOR_BYTES_PER_SECOND = 64 * 1024;
/**
 * At the tail, a piece in flight this many times longer than a new request would take to fetch it is given up
 * (its connection is closed) so that an idle connection fetches it instead.
 */
const SLOW_PIECE_FACTOR = 3;

export interface PieceSizeInput {
  /** The sink's preferred write size: the largest piece. */
  preferredBytes: number;
  /** The connection's measured rate (0 when not known yet). */
  rateBytesPerSecond: number;
  /** Bytes the connection has fetched so far. */
  fetchedBytes: number;
  /** Pieces are taken front first (the sink hands its stored prefix on). */
  inOrder: boolean;
  ramping: boolean;
  /** The strictest speed limit in force, or null. */
  limitBytesPerSecond: number | null;
  remainingBytes: number;
  connections: number;
}

/**
 * The piece a connection at `rateBytesPerSecond` fetches, before the ramp, a speed limit and the tail are
 * applied: the preferred size if that takes at most WHOLE_PIECE_SECONDS, else PIECE_SECONDS of its rate.
 */
export function timedPieceBytes(rateBytesPerSecond: number, preferredBytes: number): number {
  if (rateBytesPerSecond * WHOLE_PIECE_SECONDS >= preferredBytes) return preferredBytes;
  return Math.floor(rateBytesPerSecond * PIECE_SECONDS);
}

/** How many bytes a connection asks for in its next piece. */
export function pieceBytes(i: PieceSizeInput): number {
  const preferred = Math.max(1, i.preferredBytes);
  if (i.rateBytesPerSecond <= 0) {
    // In order, first pieces grow (twice what the connection has fetched) until the speed is known: a run of
    // tiny pieces would cost a round trip each while the front of the file waits on them.
    const first = i.inOrder ? Math.max(FIRST_PIECE_BYTES, 2 * i.fetchedBytes) : FIRST_PIECE_BYTES;
    return Math.min(preferred, first);
  }
  const sized = i.ramping
    ? Math.floor(i.rateBytesPerSecond * RAMP_PIECE_SECONDS)
    : timedPieceBytes(i.rateBytesPerSecond, preferred);
  // Under a speed limit, pieces of about half a second at the limit keep the pacing smooth.
  const limited =
    i.limitBytesPerSecond === null
      ? Number.POSITIVE_INFINITY
      : Math.max(MIN_LIMITED_PIECE_BYTES, Math.floor(i.limitBytesPerSecond * LIMITED_PIECE_SECONDS));
  // Near the end, pieces shrink to half of each connection's share of what is left, so that connections
  // finish together instead of one fetching a long last piece alone.
  const share = Math.ceil(i.remainingBytes / Math.max(1, i.connections) / 2);
  const tail = Math.max(MIN_PIECE_BYTES, share);
  return Math.min(preferred, limited, tail, Math.max(sized, Math.min(preferred, MIN_PIECE_BYTES)));
}

/** Extra watchdog time for a piece of `length` bytes: twice its expected transfer time. */
export function pieceAllowanceMs(rateBytesPerSecond: number, length: number): number {
  return (2 * 1000 * length) / (rateBytesPerSecond > 0 ? rateBytesPerSecond : FLOOR_BYTES_PER_SECOND);
}

/**
 * A piece in flight cannot be split, and with connections reused, a fast connection's piece may land on a slow
 * socket. When a connection is idle at the tail, the piece that has been in flight several times longer than a
 * new request at the usual speed would need: it is given up, and the idle connection takes its bytes. A piece
 * being raced is left to the race. Null when none is that slow.
 */
export function slowPiece<C extends ConnectionView>(
  connections: readonly C[],
  nowMs: number,
  startupSeconds: number,
): C | null {
  // The usual speed: the median over every connection, the idle ones included (at the tail only the slow ones
  // still hold claims).
  const expected = medianPositive(connections.map((c) => c.rate(nowMs)));
  if (expected <= 0) return null;
  let slowest: C | null = null;
  let worst = 0;
  for (const c of connections) {
    if (!c.claim || c.racing || c.allowanceMs <= 0 || !c.requesting) continue;
    const inFlight = c.claim.reservedEnd - c.claim.pos + 1;
    const freshSeconds = inFlight / expected + startupSeconds;
    const ratio = (nowMs - c.lastDataMs) / 1000 / freshSeconds;
    if (ratio > SLOW_PIECE_FACTOR && ratio > worst) {
      slowest = c;
      worst = ratio;
    }
  }
  return slowest;
}
