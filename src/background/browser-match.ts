import { parseContentRange } from '../engine/content-range';
import type { HttpResponse } from '../engine/types';
import { sameResource } from '../engine/validators';
import { createFetcher } from '../net/fetcher';
import { t } from '../shared/i18n';
import type { ResponseValidators } from './browser-responses';
import { addRefererRule, removeRefererRule } from './referer';

/**
 * Whether the extension can fetch the very file the browser is downloading, faster (DESIGN "Taking over"): one
 * ranged request to the URL the browser resolved, never following a redirect (the browser did not go there),
 * answered within a short bound. Only a 206 from that URL, of the browser's size, of a compatible type, of the
 * same ETag and Last-Modified where the browser's response carried them (browser-responses.ts), and without
 * content coding is the same file. Its body, read for a moment, tells how fast one connection is: a site that
 * already sends one connection faster than the extension's own path stores and saves gains nothing from
 * parallel ranges, and is left to the browser too. The reason says why in the popup.
 */
export type Match =
  /** `bytesPerSecond`: how fast the probe's one connection kept up, when its body could be timed. */
  { same: true; bytesPerSecond?: number } | { same: false; reason: string };

/** What the browser knows of its download (a downloads.DownloadItem's fields). */
export interface BrowserFile {
  url: string;
  sizeBytes: number;
  mime?: string | undefined;
  /** The validators of the browser's own response, when webRequest reported them. */
  validators?: ResponseValidators | null | undefined;
}

/** The probe's answer, as far as the comparison needs it (the fetcher's HttpResponse). */
export type ProbeAnswer = Pick<HttpResponse, 'status' | 'headers' | 'redirect'>;

/** Types that say nothing about the content: any of them is compatible with any other type. */
const GENERIC_TYPES = new Set([
  '',
  'application/octet-stream',
  'binary/octet-stream',
  'application/binary',
  'application/download',
  'application/force-download',
  'application/x-download',
  'application/unknown',
]);

export function compareProbe(file: BrowserFile, answer: ProbeAnswer): Match {
  if (answer.redirect) return different(t('reason_redirected'));
  if (answer.status === 200) return different(t('reason_no_ranges'));
  if (answer.status !== 206) return different(t('reason_refused', answer.status));
  const encoding = answer.headers.get('content-encoding');
  if (encoding && encoding.trim().toLowerCase() !== 'identity') return different(t('reason_compressed'));
  const range = parseContentRange(answer.headers.get('content-range'));
  if (!range || 'unsatisfied' in range || range.start !== 0 || range.total === null)
    return different(t('reason_malformed'));
  if (range.total !== file.sizeBytes) return different(t('reason_other_size', range.total, file.sizeBytes));
  const ours = essence(answer.headers.get('content-type'));
  const theirs = essence(file.mime ?? '');
  if (!GENERIC_TYPES.has(ours) && !GENERIC_TYPES.has(theirs) && ours !== theirs)
    return different(t('reason_other_type', ours, theirs));
  if (file.validators) {
    const probed = {
      size: range.total,
      etag: answer.headers.get('etag'),
      lastModified: answer.headers.get('last-modified'),
    };
    if (!sameResource({ size: file.sizeBytes, ...file.validators }, probed).same)
      return different(t('reason_other_version'));
  }
  return { same: true };
}

function essence(type: string | null): string {
  return (type ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function different(reason: string): Match {
  return { same: false, reason };
}

/** How long the probe may take before the download is left to the browser. */
export const PROBE_TIMEOUT_MS = 4_000;
/** The probe asks for this much of the file's start: enough to time one connection, little to waste. */
export const PROBE_BYTES = 32 * 1024 * 1024;
/**
 * The probe's body is read for at most PROBE_READ_MS after its headers, and timed after its first
 * PROBE_BURST_MS only: a rate-limited server may send its first second's worth at once (nginx's limit_rate
 * does), which says nothing about the rate it keeps.
 */
export const PROBE_READ_MS = 100;
export const PROBE_BURST_MS = 50;
/**
 * A connection this far below FAST_SINGLE_CONNECTION PROBE_SETTLE_MS into its body, or as long past its burst,
 * is slow for certain: the reading stops there (every millisecond of it delays the take-over of a download
 * that needs it). A long path still in TCP's slow start may look slow that early and be taken over: there,
 * parallel connections help.
 */
const CLEARLY_SLOW = 4;
export const PROBE_SETTLE_MS = 20;
/**
 * One connection at least this fast already outruns what the extension sustains from network to saved file on
 * a small machine (README "Benchmarks": the unthrottled rows); parallel ranges would only slow it down.
 */
export const FAST_SINGLE_CONNECTION = 64 * 1024 * 1024;

export interface ProbeOptions {
  /**
   * Time one connection on the file's first PROBE_BYTES (true), or ask for one byte only (false: the answer
   * cannot change the decision, for example under a speed limit of the user's).
   */
  time?: boolean;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

/** Sends the probe through the one fetcher (cookies included, no cache, no redirect followed) and compares. */
export async function probeBrowserFile(
  file: BrowserFile,
  {
    time = true,
    timeoutMs = PROBE_TIMEOUT_MS,
    fetchImpl = globalThis.fetch.bind(globalThis),
  }: ProbeOptions = {},
): Promise<Match> {
  let response: HttpResponse;
  try {
    response = await createFetcher(fetchImpl)({
      url: file.url,
      headers: { Range: `bytes=0-${time ? PROBE_BYTES - 1 : 0}` },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return different(timedOut ? t('reason_timeout') : t('reason_unreachable'));
  }
  const match = compareProbe(file, response);
  if (!match.same || !response.body || !time) {
    response.body?.cancel().catch(() => {});
    return match;
  }
  return { same: true, bytesPerSecond: await readRate(response.body) };
}

/** Whether a speed limit of the user's holds downloads below a fast connection: only the extension keeps it. */
export function limitHolds(limits: readonly number[]): boolean {
  return limits.some((limit) => limit > 0 && limit < FAST_SINGLE_CONNECTION);
}

/** Why one connection is fast enough to leave the download to the browser (it outruns the extension's path), or null. */
export function fastAlone(match: Match): string | null {
  if (!match.same || match.bytesPerSecond === undefined) return null;
  if (match.bytesPerSecond < FAST_SINGLE_CONNECTION) return null;
  const mib = Math.round(match.bytesPerSecond / (1024 * 1024));
  return t('reason_fast', mib);
}

/**
 * Bytes per second `body` keeps up after its first `burstMs`, over at most `windowMs` from now, or less once
 * it runs below `slowBelow` `settleMs` into the body (the burst counted) or past the burst; a body that ends
 * or is judged slow within its burst counts at its whole rate. Then it lets the body go.
 */
export async function readRate(
  body: ReadableStream<Uint8Array>,
  windowMs = PROBE_READ_MS,
  burstMs = PROBE_BURST_MS,
  now: () => number = () => performance.now(),
  slowBelow = FAST_SINGLE_CONNECTION / CLEARLY_SLOW,
  settleMs = PROBE_SETTLE_MS,
): Promise<number> {
  const reader = body.getReader();
  const started = now();
  const timer = setTimeout(() => void reader.cancel().catch(() => {}), windowMs);
  let total = 0;
  let afterBurst = 0;
  let slowWithBurst = false;
  let ended = started;
  let firstAt: number | null = null;
  let firstBytes = 0;
  let slowReads = 0;
  try {
    for (;;) {
      const asked = now();
      const { done, value } = await reader.read();
      ended = now();
      if (done) break;
      total += value.byteLength;
      if (firstAt === null) {
        firstAt = ended;
        firstBytes = value.byteLength;
      }
      const timed = ended - started - burstMs;
      if (timed > 0) afterBurst += value.byteLength;
      // Judged early only on reads that waited for the network, and slow on two of them with no fast one
      // between: a read answered at once drains bytes already buffered (the worker was busy and read late),
      // and all of them count before the next judgement.
      if (ended - asked < 1) continue;
      // A burst only makes a connection look faster: slow with it counted is slow for certain. Timed from the
      // first bytes, not the headers, so a body that starts late is not taken for a slow one.
      const sinceFirst = ended - firstAt;
      const slowOverall = sinceFirst >= settleMs && total / (sinceFirst / 1000) < slowBelow;
      const slowAfterBurst = timed >= settleMs && afterBurst / (timed / 1000) < slowBelow;
      slowReads = slowOverall || slowAfterBurst ? slowReads + 1 : 0;
      if (slowReads >= 2) {
        slowWithBurst = slowOverall;
        break;
      }
    }
  } catch {
    // A body that fails while timed: what came so far is what it showed.
  } finally {
    clearTimeout(timer);
    void reader.cancel().catch(() => {});
  }
  const elapsed = ended - started;
  // Judged slow early: the rate since the first bytes, which came at once and do not count (the judgement
  // counted them, which only made the connection look faster).
  if (slowWithBurst) return (total - firstBytes) / (Math.max(ended - (firstAt ?? started), 1) / 1000);
  if (elapsed <= burstMs) return total / (Math.max(elapsed, 1) / 1000);
  return afterBurst / ((elapsed - burstMs) / 1000);
}

/** The probe with the Referer the browser sent for the page (a session rule for the probe's URL only). */
export async function probeFromPage(
  file: BrowserFile,
  pageUrl: string | null,
  time: boolean,
): Promise<Match> {
  const key = `probe-${crypto.randomUUID()}`;
  await addRefererRule(key, [file.url], pageUrl).catch(() => {});
  try {
    return await probeBrowserFile(file, { time });
  } finally {
    await removeRefererRule(key);
  }
}
