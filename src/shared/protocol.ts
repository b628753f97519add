/**
 * The one message protocol between the extension's pages (popup, options, offscreen) and the worker.
 * Every request is `{type, ...payload}`; every reply is `{ok: true, value} | {ok: false, error}`.
 * Receivers accept a message only from this extension's own pages and only after `parseMessage` checks it.
 */
import type { SerializedError } from './job-state';
import type { Snapshot } from './job-view';
import { LIMITS, type Settings, type Validated, validateSettings } from './settings';

export interface Protocol {
  'jobs/list': { request: Record<never, never>; reply: Snapshot };
  'job/pause': { request: { jobId: string }; reply: null };
  'job/resume': { request: { jobId: string }; reply: null };
  'job/cancel': { request: { jobId: string }; reply: null };
  'job/retry': { request: { jobId: string }; reply: null };
  'job/remove': { request: { jobId: string }; reply: null };
  /**
   * A link given by hand (the popup's field), run like the context menu's: any size. Replies the job's id.
   * `sha256`, the hash the user expects of the file (as job/expect-sha256's; empty: none), is the new job's
   * from the start.
   */
  'job/add-link': { request: { url: string; pageUrl?: string; sha256?: string }; reply: string };
  /**
   * The SHA-256 the user expects of a job's file (64 hex digits, any case; null clears it), before or during
   * its download: the save fails rather than keep a file that differs. Given for a finished job, the stored
   * file's hash is compared at once.
   */
  'job/expect-sha256': { request: { jobId: string; sha256: string | null }; reply: null };
  /** A job's own speed limit, live: bytes per second, 0 for none, null to follow the per-download setting. */
  'job/limit': { request: { jobId: string; bytesPerSecond: number | null }; reply: null };
  'skipped/clear': { request: Record<never, never>; reply: null };
  'settings/get': { request: Record<never, never>; reply: Settings };
  'settings/set': { request: { settings: Settings }; reply: Settings };
  /**
   * Worker → offscreen document: open the worker's save stream URL in a frame, so the browser downloads what
   * the worker streams (a worker-served URL cannot be passed to downloads.download: docs/platform.md fact 9).
   */
  'offscreen/save': { request: { url: string }; reply: null };
}

export type MessageType = keyof Protocol;
export type Message<K extends MessageType = MessageType> = {
  [P in K]: { type: P } & Protocol[P]['request'];
}[K];
export type ReplyValue<K extends MessageType> = Protocol[K]['reply'];
export type Reply<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

export const WORKER_MESSAGES = [
  'jobs/list',
  'job/pause',
  'job/resume',
  'job/cancel',
  'job/retry',
  'job/remove',
  'job/add-link',
  'job/expect-sha256',
  'job/limit',
  'skipped/clear',
  'settings/get',
  'settings/set',
] as const satisfies readonly MessageType[];
export const OFFSCREEN_MESSAGES = ['offscreen/save'] as const satisfies readonly MessageType[];
export const ALL_MESSAGES: readonly MessageType[] = [...WORKER_MESSAGES, ...OFFSCREEN_MESSAGES];

/** The name of the Port the popup opens to receive live snapshots. */
export const SNAPSHOT_PORT = 'snapshots';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const JOB_ID = new RegExp(`^${UUID}$`);
/** The worker's save stream URLs: `chrome-extension://<id>/save/<random token>`. */
const SAVE_URL = new RegExp(`^chrome-extension://[a-p]{32}/save/${UUID}$`);

/** Far above any real download link; bounds what a message can make the worker store. */
export const MAX_LINK_CHARS = 8192;

/**
 * An absolute http(s) URL of bounded length, as given (not normalised); null for anything else, and for a URL
 * with a user name or password in it, which fetch() refuses.
 */
export function webUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > MAX_LINK_CHARS) return null;
  let url: URL;
  try {
    url = new URL(raw); // not URL.canParse: Chromium 120+, and the manifest allows 116
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.username === '' && url.password === '' ? raw : null;
}

/**
 * A SHA-256 as users paste it: 64 hex digits, any case, surrounding blanks and an optional `sha256:` prefix
 * allowed; lowercase hex, or undefined when it is not one.
 */
export function sha256Hex(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const hex = raw
    .trim()
    .replace(/^sha-?256[:=]/i, '')
    .trim();
  return /^[0-9a-f]{64}$/i.test(hex) ? hex.toLowerCase() : undefined;
}

function isLimit(value: unknown): value is number {
  const { min, max } = LIMITS.limitBytesPerSecond;
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

/** Checks a received message against the protocol; anything unexpected is rejected, never coerced. */
export function parseMessage(raw: unknown, accepted: readonly MessageType[]): Validated<Message> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('message must be an object');
  const m = raw as Record<string, unknown>;
  const type = m.type;
  if (typeof type !== 'string' || !(accepted as readonly string[]).includes(type))
    return fail(`unknown message type: ${String(type).slice(0, 40)}`);
  const keys = Object.keys(m).filter((k) => k !== 'type');
  const only = (...allowed: string[]) => keys.every((k) => allowed.includes(k));
  const t = type as MessageType;
  switch (t) {
    case 'jobs/list':
    case 'skipped/clear':
    case 'settings/get':
      return only() ? { ok: true, value: { type: t } } : fail(`${t} takes no payload`);
    case 'job/pause':
    case 'job/resume':
    case 'job/cancel':
    case 'job/retry':
    case 'job/remove':
      if (!only('jobId') || typeof m.jobId !== 'string' || !JOB_ID.test(m.jobId))
        return fail(`${t}: bad jobId`);
      return { ok: true, value: { type: t, jobId: m.jobId } };
    case 'job/add-link': {
      const url = webUrl(m.url);
      if (!only('url', 'pageUrl', 'sha256') || url === null) return fail(`${t}: bad url`);
      const pageUrl = m.pageUrl === undefined ? undefined : webUrl(m.pageUrl);
      if (pageUrl === null) return fail(`${t}: bad pageUrl`);
      const sha256 = m.sha256 === undefined || m.sha256 === '' ? '' : sha256Hex(m.sha256);
      if (sha256 === undefined) return fail(`${t}: sha256 must be 64 hexadecimal digits or empty`);
      return {
        ok: true,
        value: { type: t, url, ...(pageUrl === undefined ? {} : { pageUrl }), ...(sha256 ? { sha256 } : {}) },
      };
    }
    case 'job/expect-sha256': {
      if (!only('jobId', 'sha256') || typeof m.jobId !== 'string' || !JOB_ID.test(m.jobId))
        return fail(`${t}: bad jobId`);
      const sha256 = m.sha256 === null ? null : sha256Hex(m.sha256);
      if (sha256 === undefined) return fail(`${t}: sha256 must be 64 hexadecimal digits or null`);
      return { ok: true, value: { type: t, jobId: m.jobId, sha256 } };
    }
    case 'job/limit': {
      if (!only('jobId', 'bytesPerSecond') || typeof m.jobId !== 'string' || !JOB_ID.test(m.jobId))
        return fail(`${t}: bad jobId`);
      const rate = m.bytesPerSecond;
      if (rate !== null && !isLimit(rate)) return fail(`${t}: bytesPerSecond must be a whole number or null`);
      return { ok: true, value: { type: t, jobId: m.jobId, bytesPerSecond: rate } };
    }
    case 'settings/set': {
      if (!only('settings')) return fail('settings/set takes {settings}');
      const settings = validateSettings(m.settings);
      return settings.ok ? { ok: true, value: { type: t, settings: settings.value } } : settings;
    }
    case 'offscreen/save':
      if (!only('url') || typeof m.url !== 'string' || !SAVE_URL.test(m.url)) return fail(`${t}: bad url`);
      return { ok: true, value: { type: t, url: m.url } };
    default: {
      const _exhaustive: never = t;
      return _exhaustive;
    }
  }
}

export interface SenderInfo {
  id?: string | undefined;
  url?: string | undefined;
}

/** True only for this extension's own pages and worker: same id, and a URL under the extension's origin. */
export function isOwnSender(sender: SenderInfo, runtimeId: string, extensionOrigin: string): boolean {
  return (
    sender.id === runtimeId &&
    typeof sender.url === 'string' &&
    // Chromium's origin is chrome-extension://<id>/, Firefox's moz-extension://<internal UUID>/.
    /^(chrome|moz)-extension:\/\/[^/]+\/$/.test(extensionOrigin) &&
    sender.url.startsWith(extensionOrigin)
  );
}
