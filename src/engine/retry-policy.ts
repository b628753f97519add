import type { RetryOptions } from './types';
import { parseHttpDate } from './validators';

/**
 * How long to wait before retrying a failed request (after p-retry's calculateDelay and ky's retry timing).
 * Pure: the caller passes the clock's `now` and the source of randomness, so tests pin both.
 */

type BackoffOptions = Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'factor'>;

export const DEFAULT_RETRY: RetryOptions = Object.freeze({
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
  factor: 2,
});

/** No wait exceeds the larger of this and 4 x maxDelayMs (see retryDelay). */
const MIN_HARD_CAP_MS = 60_000;

/**
 * Exponential backoff with "equal jitter": half of `min(maxDelayMs, baseDelayMs * factor^(attempt-1))` is
 * fixed and the other half random. Parallel connections that fail together (a 503 burst) then spread out,
 * yet none retries at once the way full jitter (anywhere from 0) allows, which would hammer a struggling
 * server. `attempt` 1 is the first retry.
 */
export function calculateDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const exponent = Math.max(0, attempt - 1);
  // Math.min also absorbs Infinity from a large exponent.
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * options.factor ** exponent);
  // A broken source of randomness (NaN, out of range) must not make the delay NaN or negative.
  const jitter = Math.min(1, Math.max(0, random())) || 0;
  return Math.round(ceiling / 2 + (ceiling / 2) * jitter);
}

/**
 * A Retry-After header (RFC 9110 §10.2.3) as milliseconds from `nowMs`: delay-seconds or an HTTP-date, never
 * negative (a date in the past means "now"). Null for anything else, fractions and negative numbers too.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const ms = Number(text) * 1000;
    return Number.isSafeInteger(ms) ? ms : null;
  }
  const date = parseHttpDate(text);
  return date === null ? null : Math.max(0, date - nowMs);
}

/**
 * The wait before retry `attempt`: the server's Retry-After when it asks for longer than the backoff, else
 * the backoff. Capped at the larger of 60 s and 4 x maxDelayMs: a server asking for an hour gets a retry a
 * minute later rather than a job frozen that long (the attempt budget still bounds the whole).
 */
export function retryDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number,
  retryAfterMs: number | null,
): number {
  const hardCap = Math.max(MIN_HARD_CAP_MS, options.maxDelayMs * 4);
  return Math.min(hardCap, Math.max(retryAfterMs ?? 0, calculateDelay(attempt, options, random)));
}
