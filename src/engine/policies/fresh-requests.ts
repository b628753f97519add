/**
 * Fresh requests (stream mode). Some servers meter each response rather than each connection, and let every new
 * response start with a burst: nginx's `limit_rate` allows rate x (whole seconds since the request began + 1), so
 * a response's first write goes out at once, up to 2 MiB (docs/platform.md fact 18). On such a server a stream
 * that asks anew every second or so rides one burst per request, where one long request rides a single one. A new
 * request costs a round trip of idle connection, so streams renew only where the bursts measured are worth two or
 * more round trips at the connection's rate; elsewhere (a server that paces each connection, a distant link) a
 * stream is one request per claim, as before.
 *
 * Each response is measured once: the bytes of its first HEAD_MS against the rate it then keeps over STEADY_MS
 * (or, on a connection whose steady rate is known, against that: see HeadMeter).
 *
 *   unknown ──(two responses started with a burst worth it, more than without)──▶ renewing
 *      │
 *      └──(two responses started without one, more than with)──▶ steady
 *
 * The verdict can still change while responses are measured (new connections, a straggler's restart): it follows
 * the majority of what was seen.
 */

import { medianPositive } from './estimates';

/** A response's head: the bytes that arrive this soon after its first ones. */
export const HEAD_MS = 50;
/**
 * The rate a response keeps after its head, measured over this long: nginx sends a metered response in writes of
 * up to 2 MiB (sendfile_max_chunk) a quarter of a second apart at 8 MiB/s, so a shorter window would hold one or
 * two of them and misjudge the rate by half.
 */
export const STEADY_MS = 1000;
/** A head start (bytes beyond the steady rate's share of the head) of at least this long at that rate is a burst. */
const BURST_SECONDS = 0.1;
/** ...and it must pay for this many round trips at that rate: a renewal's idle time. */
const WORTH_ROUND_TRIPS = 2;
/** Responses seen each way before the verdict. */
const VERDICT_AFTER = 2;
/** A renewing stream asks for what its connection receives in about this long... */
const RENEW_SECONDS = 1;
/** ...and never less than this. */
const MIN_RENEW_BYTES = 1024 * 1024;
/** The typical steady rate is the median of this many latest responses' that burst. */
const KEPT_RATES = 8;

/** What one response's start showed. */
export interface ResponseHead {
  /** Bytes that arrived within HEAD_MS of the first ones (counted from the response's start). */
  headBytes: number;
  /** The rate over the STEADY_MS after the head. */
  steadyBytesPerSecond: number;
  /** Seconds a new request waits for its first byte (the session's estimate). */
  startupSeconds: number;
}

/** Whether a response's head came in a burst worth a new request. */
export function burstWorthIt(head: ResponseHead): boolean {
  const rate = head.steadyBytesPerSecond;
  if (!(rate > 0)) return false;
  const headStart = head.headBytes - (rate * HEAD_MS) / 1000;
  return headStart >= rate * BURST_SECONDS && headStart >= WORTH_ROUND_TRIPS * rate * head.startupSeconds;
}

export class FreshRequests {
  private bursts = 0;
  private plain = 0;
  /** The steady rates of the latest responses that burst. */
  private readonly steadyRates: number[] = [];

  observe(head: ResponseHead): void {
    if (!burstWorthIt(head)) {
      this.plain++;
      return;
    }
    this.bursts++;
    this.steadyRates.push(head.steadyBytesPerSecond);
    if (this.steadyRates.length > KEPT_RATES) this.steadyRates.shift();
  }

  get renewing(): boolean {
    return this.bursts >= VERDICT_AFTER && this.bursts > this.plain;
  }

  /**
   * The most bytes one request asks for, for a connection whose responses keep `steadyBytesPerSecond` after
   * their head (0 when not measured yet: the typical one is used); Infinity, up to its claim's end. The steady
   * rate, not the connection's overall one: with its bursts counted, a second's worth would overrun the second.
   * Near the end, at most half of each connection's share of what is left (`remainingBytes` over `connections`),
   * so that the last requests end together.
   */
  requestBytes(steadyBytesPerSecond: number, remainingBytes: number, connections: number): number {
    if (!this.renewing) return Number.POSITIVE_INFINITY;
    const rate = steadyBytesPerSecond > 0 ? steadyBytesPerSecond : medianPositive(this.steadyRates);
    const tail = Math.ceil(remainingBytes / Math.max(1, connections) / 2);
    return Math.max(MIN_RENEW_BYTES, Math.min(Math.floor(rate * RENEW_SECONDS), tail));
  }
}

/**
 * Follows one response's start for FreshRequests: `add` every arrival; once HEAD_MS + STEADY_MS have passed
 * since the first, it returns the measured head (once), else null. A connection whose steady rate is known
 * already (`knownSteadyBytesPerSecond`, from its earlier response) is measured on the head alone, right after
 * HEAD_MS: a renewed request lasts about a second, too short for both windows, and its head still tells whether
 * the server keeps bursting (a server that gave only each connection's first response a burst stops the renewals).
 */
export class HeadMeter {
  private startMs: number | null = null;
  private headBytes = 0;
  private steadyBytes = 0;
  private done = false;

  constructor(private readonly knownSteadyBytesPerSecond = 0) {}

  add(bytes: number, nowMs: number, startupSeconds: number): ResponseHead | null {
    if (this.done) return null;
    this.startMs ??= nowMs;
    const since = nowMs - this.startMs;
    if (since <= HEAD_MS) {
      this.headBytes += bytes;
      return null;
    }
    if (this.knownSteadyBytesPerSecond > 0) {
      this.done = true;
      return {
        headBytes: this.headBytes,
        steadyBytesPerSecond: this.knownSteadyBytesPerSecond,
        startupSeconds,
      };
    }
    if (since <= HEAD_MS + STEADY_MS) {
      this.steadyBytes += bytes;
      return null;
    }
    this.done = true;
    return {
      headBytes: this.headBytes,
      steadyBytesPerSecond: (this.steadyBytes * 1000) / STEADY_MS,
      startupSeconds,
    };
  }
}
