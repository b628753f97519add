import type { ConnectionView } from './view';

/** Throughput is measured over this long once a step's connections all receive. */
const RAMP_WINDOW_MS = 100;
/** A step whose gain looks between these two (inconclusive on a short window)... */
const RAMP_CLEAR_GAIN_LOW = 0.95;
const RAMP_CLEAR_GAIN_HIGH = 1.4;
/** ...is measured this long instead. */
const RAMP_LONG_WINDOW_MS = 1000;
/** A step whose total throughput is below this share of the last step's is measured again, longer. */
const RAMP_FALL = 0.9;
/** The connections from before a step count as steady when they kept this share of their throughput. */
const RAMP_OLD_STEADY = 0.9;
/** New connections that each deliver at least this share of what each earlier one does took a fair share. */
const RAMP_FAIR_SHARE = 0.5;
/** A connection's first this-many ms of bytes are left out of a step's measurement. */
const RAMP_GRACE_MS = 30;
/** Piece mode: a step whose connections have not all received a piece within this long is measured anyway. */
const RAMP_PIECES_SETTLE_MS = 20_000;
/** A step's connections that do not all receive within this long are measured anyway. */
const RAMP_SETTLE_MS = 2000;
/** A step must add this much throughput for the next one to be tried. */
const RAMP_GAIN = 1.1;

/** A step's throughput, and what it is compared with (0 for the first step). */
interface Measured {
  rate: number;
  baseline: number;
}

export interface RampSnapshot {
  nowMs: number;
  /** Connections the download may have (its own maximum, the host's cap). */
  allowed: number;
  remainingBytes: number;
  connections: readonly ConnectionView[];
  /** Bytes the session has stored, and when the last of them came. */
  deliveredBytes: number;
  deliveredAtMs: number;
  /** The highest connection id given out so far. */
  newestId: number;
}

/**
 * Ramp-up: the probe plus one connection, then twice as many at each step while a step raises throughput by
 * RAMP_GAIN or more; the first step that does not stops the ramp where it is. `update` looks at a snapshot and
 * moves the ramp on; the session starts connections up to `target`.
 *
 *   measuring ──(step gained ≥ RAMP_GAIN)──▶ next step (target x2) ──▶ measuring
 *       │
 *       └──(no gain, target reached, nothing left, host said fewer)──▶ stopped
 */
export class RampPolicy {
  /** Connections being tried (the session runs min(target, allowed)). */
  target: number;
  ramping: boolean;
  private baseline: number | null = null;
  private stepBeganMs: number;
  private stepStartMs: number | null = null;
  private stepStartBytes = 0;
  private stepStartDeliveredAtMs = 0;
  /** Connections with ids up to this one were there before the current step, and what they had delivered. */
  private stepOldMaxId = 0;
  private stepOldStartBytes = 0;

  constructor(
    enabled: boolean,
    allowed: number,
    nowMs: number,
    private readonly pieces: boolean,
  ) {
    this.ramping = enabled && allowed > 2;
    this.target = this.ramping ? 2 : allowed;
    this.stepBeganMs = nowMs;
  }

  stop(): void {
    this.ramping = false;
  }

  /** Moves the ramp on; true when the target grew (the session starts more connections). */
  update(s: RampSnapshot): boolean {
    if (!this.ramping) return false;
    if (this.target >= s.allowed || s.remainingBytes === 0) {
      this.ramping = false;
      return false;
    }
    const step = this.pieces ? this.measurePieces(s) : this.measureStream(s);
    if (step === null) return false;
    if (this.baseline !== null && step.rate < step.baseline * RAMP_GAIN) {
      this.ramping = false;
      return false;
    }
    this.baseline = step.rate;
    this.stepOldMaxId = s.newestId;
    this.target = Math.min(s.allowed, this.target * 2);
    this.stepStartMs = null;
    this.stepBeganMs = s.nowMs;
    return true;
  }

  private limit(s: RampSnapshot): number {
    return Math.min(s.allowed, this.target);
  }

  /** A step's throughput, once it is known (null while measuring). */
  private measureStream(s: RampSnapshot): Measured | null {
    const now = s.nowMs;
    if (this.stepStartMs === null) {
      // Measured once the step's connections all receive, past their first bytes (a response's start comes in
      // a burst: what the socket buffered before it was read, a server's initial allowance).
      const settled = s.connections.filter(
        (c) => c.state === 'receiving' && now - (c.receivingSinceMs ?? now) >= RAMP_GRACE_MS,
      ).length;
      if (settled < this.limit(s) && now - this.stepBeganMs < RAMP_SETTLE_MS) return null;
      this.stepStartMs = now;
      this.stepStartBytes = s.deliveredBytes;
      this.stepStartDeliveredAtMs = s.deliveredAtMs;
      this.stepOldStartBytes = this.oldBytes(s);
      return null;
    }
    const elapsedMs = now - this.stepStartMs;
    if (elapsedMs < RAMP_WINDOW_MS) return null;
    // Bytes come in bursts (a server's writes, the socket's reads): counted from one arrival to another, a short
    // window holds whole bursts, where counted from tick to tick it would be a burst off either way.
    const spanMs = s.deliveredAtMs - this.stepStartDeliveredAtMs;
    const windowMs = spanMs >= elapsedMs / 2 ? spanMs : elapsedMs;
    const rate = ((s.deliveredBytes - this.stepStartBytes) * 1000) / windowMs;
    // What the connections from before the step delivered meanwhile: measured over the same (longer) window as
    // `rate`, it is a truer baseline than the last step's short one, unless they slowed down (a shared
    // bottleneck), which the last step's baseline shows.
    const oldRate = ((this.oldBytes(s) - this.stepOldStartBytes) * 1000) / windowMs;
    const last = this.baseline;
    // Throughput that fell as connections were added says more about the last measurement than about the step:
    // servers that meter per response let each one start with a burst (nginx's limit_rate sends about a
    // second's worth at once), which the last step's short window took for throughput.
    const fell = last !== null && rate < RAMP_FALL * last;
    const baseline =
      last === null
        ? null
        : oldRate >= RAMP_OLD_STEADY * last
          ? Math.min(last, oldRate)
          : fell || !this.newcomersTookFairShare(s, rate, oldRate)
            ? oldRate
            : last; // the earlier connections slowed as the newcomers took their share: a shared bottleneck
    // A short window tells a clear gain (or none) apart; a gain near the threshold, or a fall, is measured longer.
    const gain = baseline === null ? Number.POSITIVE_INFINITY : rate / Math.max(baseline, 1);
    const unclear = fell || (gain > RAMP_CLEAR_GAIN_LOW && gain < RAMP_CLEAR_GAIN_HIGH);
    if (unclear && elapsedMs < RAMP_LONG_WINDOW_MS) return null;
    return { rate, baseline: baseline ?? 0 };
  }

  /**
   * Piece mode, where bytes show only as whole pieces: a step is measured once each of its connections has
   * received a piece asked for after the step began; its throughput is the sum of those pieces' rates.
   */
  private measurePieces(s: RampSnapshot): Measured | null {
    const fresh = s.connections.filter((c) => c.pieceStartMs >= this.stepBeganMs);
    // Slow connections take long over a piece: wait for all of them (within reason), and when some are still
    // out, count them at the others' mean rather than as nothing.
    if (fresh.length < this.limit(s) && s.nowMs - this.stepBeganMs < RAMP_PIECES_SETTLE_MS) return null;
    if (fresh.length === 0) return null;
    const sum = fresh.reduce((total, c) => total + c.pieceRate, 0);
    const rate = (sum / fresh.length) * Math.max(fresh.length, Math.min(this.limit(s), s.connections.length));
    return { rate, baseline: this.baseline ?? 0 };
  }

  /**
   * Whether the step's new connections each delivered about what each earlier one did. A bottleneck the
   * connections share splits it about evenly, so earlier connections that slowed while newcomers got a fair
   * share point to one; newcomers far slower than them point to slow connections of their own, and the earlier
   * ones' fall to a burst the last step's short window took for throughput.
   */
  private newcomersTookFairShare(s: RampSnapshot, rate: number, oldRate: number): boolean {
    let old = 0;
    for (const c of s.connections) if (c.id <= this.stepOldMaxId) old += 1;
    const fresh = s.connections.length - old;
    if (old === 0 || fresh === 0) return true;
    return (rate - oldRate) / fresh >= RAMP_FAIR_SHARE * (oldRate / old);
  }

  /** Bytes delivered so far by the connections that were there before the current step. */
  private oldBytes(s: RampSnapshot): number {
    let bytes = 0;
    for (const c of s.connections) if (c.id <= this.stepOldMaxId) bytes += c.bytes;
    return bytes;
  }
}
