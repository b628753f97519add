import type { Claim } from '../scheduler';
import type { ConnectionState } from '../types';

/**
 * What the policies see of a connection: read-only, so a policy can only decide, never act. The session's
 * connection objects satisfy it; policy tests pass plain objects.
 */
export interface ConnectionView {
  readonly id: number;
  readonly state: ConnectionState;
  readonly claim: Readonly<Claim> | null;
  /** A request is open (its controller not yet let go; it may be aborted and ending). */
  readonly hasRequest: boolean;
  /** A request is open and not aborted. */
  readonly requesting: boolean;
  /** In an endgame race, on either side. */
  readonly racing: boolean;
  readonly receivingSinceMs: number | null;
  readonly lastDataMs: number;
  /** Extra watchdog time for a whole-response piece in flight (0 when none is). */
  readonly allowanceMs: number;
  /** Bytes delivered by this connection. */
  readonly bytes: number;
  /** Piece mode: the rate of the last piece received, and when that piece's first byte came. */
  readonly pieceRate: number;
  readonly pieceStartMs: number;
  /** Requests this connection has ended: with `id`, names the request now open. */
  readonly requestsEnded: number;
  /** Measured bytes per second over the recent window. */
  rate(nowMs: number): number;
}
