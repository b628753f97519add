import type { Claim } from '../scheduler';
import type { HttpResponse } from '../types';
import type { Connection } from './connection';

/** What one fetch of (part of) a claim achieved. */
export interface FetchOutcome {
  /** Some bytes were stored. */
  progressed: boolean;
  /** The claim has bytes left that this connection should fetch next (piece mode). */
  more: boolean;
}

/** A response already open on a claim's first bytes, and the last byte it carries. */
export interface Opened {
  response: HttpResponse;
  end: number;
}

/** A stream race won: the tail is the racer's claim now, and its response streams it next. */
export interface WonTail {
  claim: Claim;
  opened: Opened;
}

/**
 * How a range session moves bytes, chosen once from the sink: streams (one request per claim, its body read and
 * written in batches) or whole-response pieces (one request per piece, the body handed to the sink).
 */
export interface Transport {
  /** Whole-response pieces (a race is for a piece in flight; tails are not split off but raced). */
  readonly pieces: boolean;
  /** Pieces are claimed front first (the sink hands its stored prefix on as it grows). */
  readonly inOrder: boolean;
  /** Work for a free connection: pending bytes, else a split of the claim expected to finish last. */
  claimWork(connection: Connection): Claim | null;
  /** Fetches (part of) the connection's claim; `opened` is a response already open on its first bytes. */
  fetchClaim(connection: Connection, opened: Opened | null): Promise<FetchOutcome>;
  /** Runs one endgame race from `racer` against `owner`; a won stream tail comes back to be streamed on. */
  race(racer: Connection, owner: Connection): Promise<WonTail | null>;
  /** The unit of work the endgame counts in, at the expected speed. */
  raceUnitBytes(expectedSpeed: number, minSplitBytes: number): number;
  /** A connection found nothing to do: a chance to give up a piece in flight that is far too slow. */
  idle(): void;
}
