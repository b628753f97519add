import type { Claim } from '../scheduler';
import { speedOf } from './estimates';
import type { ConnectionView } from './view';

/** Races start when at most this many pieces per connection are left. */
const ENDGAME_PIECES_PER_CONNECTION = 2;
/** A race is worth it when the owner would finish this much later than the racer. */
const RACE_GAIN = 1.5;
/** Races against one claim, at most (a lost race is not retried forever). */
export const MAX_RACES_PER_CLAIM = 2;

export interface EndgameSnapshot<C extends ConnectionView = ConnectionView> {
  connections: readonly C[];
  nowMs: number;
  /** Bytes a new connection is expected to fetch per second (0 when unknown). */
  expectedSpeed: number;
  /** The size of a piece of work: a whole-response piece, or the smallest split worth a request. */
  unitBytes: number;
  remainingBytes: number;
  startupSeconds: number;
  /** Whole-response pieces: a race is for the piece in flight (else for a stream's tail). */
  pieces: boolean;
  /** Races run so far against a claim. */
  racesOf(claimId: number): number;
}

/**
 * Endgame: when little is left (about ENDGAME_PIECES_PER_CONNECTION units per connection) and nothing can be
 * split off, the connection to race a duplicate request against: the one expected to finish last, if a fresh
 * request would beat it clearly. Null when no race is worth it.
 */
export function raceCandidate<C extends ConnectionView>(s: EndgameSnapshot<C>): C | null {
  if (s.expectedSpeed <= 0) return null;
  const count = Math.max(1, s.connections.length);
  if (s.remainingBytes === 0 || s.remainingBytes > ENDGAME_PIECES_PER_CONNECTION * s.unitBytes * count) {
    return null;
  }
  let best: C | null = null;
  let bestSeconds = 0;
  for (const c of s.connections) {
    const claim = c.claim;
    if (!claim || c.racing || !c.hasRequest || c.state !== 'receiving') continue;
    if (s.racesOf(claim.id) >= MAX_RACES_PER_CLAIM) continue;
    // Piece mode races for the piece in flight; stream mode for the back part of the claim.
    const bytes = s.pieces ? claim.reservedEnd - claim.pos + 1 : claim.end - claim.pos + 1;
    if (bytes <= 0 || (s.pieces && c.allowanceMs <= 0)) continue;
    const speed = speedOf(c, s.nowMs);
    const ownerSeconds = speed > 0 ? bytes / speed : Number.POSITIVE_INFINITY;
    // The racer's share: all of a piece; of a stream, the part that makes both finish together.
    const share = s.pieces ? 1 : raceShare(speed, s.expectedSpeed);
    const racerSeconds = (bytes * share) / s.expectedSpeed + s.startupSeconds;
    if (ownerSeconds > RACE_GAIN * racerSeconds && ownerSeconds > bestSeconds) {
      best = c;
      bestSeconds = ownerSeconds;
    }
  }
  return best;
}

/**
 * Stream mode: the tail of `claim` a racer asks for. It starts where the owner will be when the racer's answer
 * arrives, and takes the back part in proportion to the two speeds, so both would finish together. Null when
 * nothing is left to race for (the owner is about to finish): a race never asks for an empty range.
 */
export function streamRaceRange(
  claim: Readonly<Claim>,
  ownerSpeed: number,
  expectedSpeed: number,
  startupSeconds: number,
): { from: number; to: number } | null {
  const ahead = Math.min(claim.end, claim.pos + Math.ceil(ownerSpeed * startupSeconds));
  const back = Math.floor((claim.end - ahead + 1) * raceShare(ownerSpeed, expectedSpeed));
  const from = Math.max(ahead, claim.end - back + 1);
  return from > claim.end ? null : { from, to: claim.end };
}

/** Stream mode: a racer still waiting for its answer has lost once the owner reached the racer's range. */
export function streamRaceLost(claim: Readonly<Claim>, held: boolean, from: number): boolean {
  return !held || claim.pos >= from || claim.end < from;
}

/** The share of a stream's rest a racer at `takerSpeed` should ask for so both finish together. */
function raceShare(ownerSpeed: number, takerSpeed: number): number {
  return ownerSpeed > 0 && takerSpeed > 0 ? takerSpeed / (ownerSpeed + takerSpeed) : 0.5;
}
