import type { ByteRange } from './types';

/**
 * Which connection fetches which bytes. Pure bookkeeping, no I/O.
 *
 * Work is either pending (nobody owns it) or claimed by one connection. A claim's `end` may shrink while its
 * connection streams: a free connection takes the back part of the claim that will finish last, and the owner
 * stops where the taker begins. So no connection is left alone with a long tail.
 *
 * A connection that fetches its claim as a series of whole-response pieces (one request per piece) marks the
 * piece in flight with `reserve`: a split then only takes bytes after the reserved end, so a request already
 * sent is never cut short.
 */
export interface Claim {
  readonly id: number;
  readonly start: number;
  /** Next byte the owner will receive. */
  pos: number;
  /** Last byte the owner may write; shrinks when another connection takes the back part. */
  end: number;
  /**
   * Last byte of the piece the owner has asked for in one request and not yet received (`pos - 1` when none):
   * splits never take bytes at or before it.
   */
  reservedEnd: number;
}

export interface SplitHints {
  /** Bytes per second the owner of a claim achieves now (0 when unknown). */
  speedOf(claimId: number): number;
  /** Bytes per second a new connection is expected to achieve (0 when unknown). */
  expectedSpeed: number;
  /** Do not split off less than this, unless the owner would finish far later than the taker (the tail). */
  minSplitBytes: number;
  /** Seconds a new request needs before its first byte arrives. */
  startupSeconds: number;
  /**
   * Leave tails (splits below `minSplitBytes`) to endgame races instead of taking them: for owners whose whole
   * rest is already requested (streams), where a duplicate request that wins can replace the owner safely.
   */
  raceTails?: boolean;
}

/** A tail split must cut the expected finish time at least this much to be worth a new request. */
const TAIL_GAIN = 1.5;
const TAIL_MIN_BYTES = 16 * 1024;

export class Scheduler {
  private pending: ByteRange[];
  private readonly claims = new Map<number, Claim>();
  private nextId = 1;

  constructor(missing: readonly ByteRange[]) {
    this.pending = missing.map((r) => ({ ...r }));
  }

  /** True when nothing is pending and nothing is claimed: every byte is in. */
  get finished(): boolean {
    return this.pending.length === 0 && this.claims.size === 0;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Whether `claim` is still held (not released). */
  holds(claim: Claim): boolean {
    return this.claims.has(claim.id);
  }

  /** Claims the first pending range, as is. */
  claimPending(): Claim | null {
    const range = this.pending.shift();
    return range ? this.add(range) : null;
  }

  /** Claims at most `bytes` from the front of the first pending range; the rest stays pending. */
  claimFront(bytes: number): Claim | null {
    const range = this.pending[0];
    if (!range) return null;
    const end = Math.min(range.end, range.start + Math.max(1, bytes) - 1);
    if (end === range.end) this.pending.shift();
    else this.pending[0] = { start: end + 1, end: range.end };
    return this.add({ start: range.start, end });
  }

  /**
   * Work for a free connection: a pending range (or with `frontBytes`, that much of its front), else the back
   * part of the claim expected to finish last. The split point gives both connections the same expected finish time (half and half when speeds are
   * unknown), and never leaves the taker less than `minSplitBytes`.
   */
  claimWork(hints: SplitHints, frontBytes?: number): Claim | null {
    const fromPending = frontBytes === undefined ? this.claimPending() : this.claimFront(frontBytes);
    if (fromPending) return fromPending;
    const victim = this.latestFinishing(hints);
    if (!victim) return null;
    const remaining = victim.end - victim.pos + 1;
    const ownerSpeed = hints.speedOf(victim.id);
    const takerSpeed = hints.expectedSpeed;
    const takerShare = ownerSpeed > 0 && takerSpeed > 0 ? takerSpeed / (ownerSpeed + takerSpeed) : 0.5;
    // Never into the piece in flight: at most what lies after it.
    const takeBytes = Math.min(Math.floor(remaining * takerShare), splittableBytes(victim));
    if (remaining - takeBytes < 1 || !worthSplitting(remaining, takeBytes, ownerSpeed, hints)) return null;
    const splitAt = victim.end - takeBytes + 1;
    const taken: ByteRange = { start: splitAt, end: victim.end };
    victim.end = splitAt - 1;
    return this.add(taken);
  }

  /**
   * Cuts what is left of `claim` into `parts` equal claims (the owner keeps the first), for connections that
   * start together and whose speeds are not known yet. Pieces never get smaller than `minBytes`.
   */
  splitEvenly(claim: Claim, parts: number, minBytes: number): Claim[] {
    const remaining = claim.end - claim.pos + 1;
    const count = Math.max(1, Math.min(parts, Math.floor(remaining / Math.max(minBytes, 1))));
    const size = Math.floor(remaining / count);
    const taken: Claim[] = [];
    for (let i = count - 1; i >= 1; i--) {
      const start = claim.pos + i * size;
      taken.unshift(this.add({ start, end: claim.end }));
      claim.end = start - 1;
    }
    return taken;
  }

  /**
   * The owner has asked for bytes up to `end` (inclusive) in one request: until it advances past them, no split
   * takes any of them. Clamped to the claim.
   */
  reserve(claim: Claim, end: number): void {
    claim.reservedEnd = Math.min(end, claim.end);
  }

  /**
   * An endgame race was won by a request for the bytes from `from` on: they become a new claim and `claim`'s
   * owner stops before them. Null (nothing changes) when the owner has already reached `from`, no longer holds
   * it, or has it in a piece in flight: then the owner won.
   */
  cede(claim: Claim, from: number): Claim | null {
    if (!this.claims.has(claim.id) || claim.pos >= from || claim.end < from || claim.reservedEnd >= from) {
      return null;
    }
    const taken = this.add({ start: from, end: claim.end });
    claim.end = from - 1;
    return taken;
  }

  /** The owner received bytes up to (not including) `pos`. */
  advance(claim: Claim, pos: number): void {
    claim.pos = pos;
    if (claim.reservedEnd < pos) claim.reservedEnd = pos - 1;
  }

  /** The server sent less than asked: the owner keeps up to `end`, the rest goes back to pending. */
  truncate(claim: Claim, end: number): void {
    if (end >= claim.end) return;
    this.addPending({ start: end + 1, end: claim.end });
    claim.end = end;
    if (claim.reservedEnd > end) claim.reservedEnd = end;
  }

  /**
   * The owner's response goes on past its claim (up to `upTo`): the pending range right after the claim joins
   * it, as far as the response reaches. False when there is none (the bytes after it are held or done).
   */
  extend(claim: Claim, upTo: number): boolean {
    const next = claim.end + 1;
    if (!this.claims.has(claim.id) || next > upTo) return false;
    const index = this.pending.findIndex((r) => r.start === next);
    const range = this.pending[index];
    if (!range) return false;
    const end = Math.min(range.end, upTo);
    if (end === range.end) this.pending.splice(index, 1);
    else this.pending[index] = { start: end + 1, end: range.end };
    claim.end = end;
    return true;
  }

  /** The owner is done with its claim: anything it did not receive goes back to pending. */
  release(claim: Claim): void {
    if (!this.claims.delete(claim.id)) return;
    if (claim.pos <= claim.end) this.addPending({ start: claim.pos, end: claim.end });
  }

  /** Bytes not yet received, pending or claimed. */
  remainingBytes(): number {
    let bytes = 0;
    for (const r of this.pending) bytes += r.end - r.start + 1;
    for (const c of this.claims.values()) bytes += Math.max(0, c.end - c.pos + 1);
    return bytes;
  }

  private latestFinishing(hints: SplitHints): Claim | null {
    let best: Claim | null = null;
    let bestScore = -1;
    for (const claim of this.claims.values()) {
      const remaining = claim.end - claim.pos + 1;
      if (remaining <= 0 || splittableBytes(claim) <= 0) continue;
      const speed = hints.speedOf(claim.id);
      // Unknown speed ranks by size alone; a known speed ranks by expected seconds left.
      const score = speed > 0 ? remaining / speed : remaining / Math.max(hints.expectedSpeed, 1);
      if (score > bestScore) {
        best = claim;
        bestScore = score;
      }
    }
    return best;
  }

  private add(range: ByteRange): Claim {
    const claim: Claim = {
      id: this.nextId++,
      start: range.start,
      pos: range.start,
      end: range.end,
      reservedEnd: range.start - 1,
    };
    this.claims.set(claim.id, claim);
    return claim;
  }

  private addPending(range: ByteRange): void {
    this.pending.push(range);
    this.pending.sort((a, b) => a.start - b.start);
  }
}

/** Bytes of a claim another connection may take: those after the owner's position and its piece in flight. */
function splittableBytes(claim: Claim): number {
  return claim.end - Math.max(claim.pos, claim.reservedEnd + 1) + 1;
}

function worthSplitting(
  remaining: number,
  takeBytes: number,
  ownerSpeed: number,
  hints: SplitHints,
): boolean {
  if (takeBytes >= hints.minSplitBytes) return true;
  if (hints.raceTails) return false;
  // Near the end, a slow owner would hold up the finish: hand most of its rest to a faster connection.
  if (takeBytes < TAIL_MIN_BYTES || ownerSpeed <= 0 || hints.expectedSpeed <= 0) return false;
  const ownerSeconds = remaining / ownerSpeed;
  const takerSeconds = takeBytes / hints.expectedSpeed + hints.startupSeconds;
  return ownerSeconds > TAIL_GAIN * takerSeconds;
}
