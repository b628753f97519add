import type { Clock, Fetcher, HttpRequest, HttpResponse } from '../../src/engine/types';

/**
 * A fetcher that serves one file from memory on a simulated clock, with per-request behaviour scripted by the
 * test, and records every request and abort. Bytes flow at each request's rate in clock time, so under a manual
 * clock a run is deterministic: what happens, and when, depends only on the script and the engine.
 */

export interface ScriptedRequest {
  /** 0 for the first request. */
  index: number;
  url: string;
  range: { start: number; end: number | null } | null;
  ifRange: string | null;
  atMs: number;
  /** Requests whose responses are still open, this one excluded. */
  open: number;
}

/** How the server answers one request; anything left out is a correct 206 (or 200 without Range). */
export interface Behaviour {
  /** Rejects the request as a refused connection would. */
  refuse?: boolean;
  status?: number;
  retryAfter?: string;
  /** Answers with a redirect's result: the response's URL. */
  respondUrl?: string;
  /** Bytes per second of the body (default: the fetcher's rate). */
  bytesPerSecond?: number;
  /** Serves at most this many bytes of the asked range (an honest short 206). */
  maxBytes?: number;
  /** After this many bytes the body stops sending (and stays open). */
  stallAfterBytes?: number;
}

export type Script = (request: ScriptedRequest) => Behaviour;

export interface RecordedEvent {
  atMs: number;
  kind: 'request' | 'refused' | 'abort' | 'end';
  url: string;
  range: string;
  ifRange?: string | null;
  status?: number;
  detail?: string;
}

export interface ScriptedServer {
  fetcher: Fetcher;
  events: RecordedEvent[];
}

const TICK_MS = 4;

export function scriptedServer(options: {
  clock: Clock;
  data: Uint8Array;
  etag: string;
  /** The URL the redirect lands on (responses carry it as their URL); default: the URL asked. */
  finalUrl?: (url: string) => string;
  bytesPerSecond: number;
  script?: Script;
  /** Wraps the body in a fetch Response (`raw`), for piece-mode sinks that read it natively. */
  raw?: boolean;
}): ScriptedServer {
  const { clock, data, etag } = options;
  const events: RecordedEvent[] = [];
  let index = 0;
  let open = 0;

  const fetcher: Fetcher = async (request: HttpRequest): Promise<HttpResponse> => {
    const range = parseRange(request.headers.Range);
    const rangeText = request.headers.Range ?? 'none';
    const ifRange = request.headers['If-Range'] ?? null;
    const scripted: ScriptedRequest = {
      index: index++,
      url: request.url,
      range,
      ifRange,
      atMs: clock.now(),
      open,
    };
    const b = options.script?.(scripted) ?? {};
    if (b.refuse) {
      events.push({ atMs: clock.now(), kind: 'refused', url: request.url, range: rangeText, ifRange });
      const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1'), { code: 'ECONNREFUSED' });
      throw new TypeError('fetch failed', { cause });
    }
    const url = b.respondUrl ?? options.finalUrl?.(request.url) ?? request.url;
    if (url !== request.url && request.redirect === 'manual') {
      // A redirect the request does not follow: reported, not served.
      events.push({
        atMs: clock.now(),
        kind: 'request',
        url: request.url,
        range: rangeText,
        ifRange,
        status: 302,
        detail: `to ${url}`,
      });
      return {
        status: 302,
        url: request.url,
        headers: { get: () => null },
        body: null,
        redirect: { location: url },
      };
    }
    const size = data.byteLength;
    let status = b.status ?? (range ? 206 : 200);
    let start = 0;
    let end = size - 1;
    if (status === 206 && range) {
      start = range.start;
      end = Math.min(size - 1, range.end ?? size - 1);
      if (b.maxBytes !== undefined) end = Math.min(end, start + b.maxBytes - 1);
      if (start >= size) status = 416;
    }
    events.push({ atMs: clock.now(), kind: 'request', url: request.url, range: rangeText, ifRange, status });
    const headers = new Map<string, string>([['etag', etag]]);
    if (b.retryAfter) headers.set('retry-after', b.retryAfter);
    const ok = status === 200 || status === 206;
    if (status === 206) headers.set('content-range', `bytes ${start}-${end}/${size}`);
    if (status === 416) headers.set('content-range', `bytes */${size}`);
    if (ok) headers.set('content-length', String(end - start + 1));
    const body = ok
      ? trickle({
          clock,
          bytes: data.subarray(start, end + 1),
          bytesPerSecond: b.bytesPerSecond ?? options.bytesPerSecond,
          stallAfterBytes: b.stallAfterBytes ?? Number.POSITIVE_INFINITY,
          signal: request.signal,
          onEnd: (detail) => {
            open--;
            events.push({
              atMs: clock.now(),
              kind: detail === 'done' ? 'end' : 'abort',
              url,
              range: rangeText,
              detail,
            });
          },
        })
      : null;
    if (body) open++;
    const raw = options.raw && body ? new Response(body, { status: status === 206 ? 206 : 200 }) : undefined;
    return {
      status,
      url,
      headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
      body: raw ? raw.body : body,
      raw,
    };
  };
  return { fetcher, events };
}

function parseRange(header: string | undefined): { start: number; end: number | null } | null {
  const m = /^bytes=(\d+)-(\d*)$/.exec(header ?? '');
  return m ? { start: Number(m[1]), end: m[2] ? Number(m[2]) : null } : null;
}

/** A body that sends `bytes` at a rate in clock time; aborting the request errors it with the signal's reason. */
function trickle(o: {
  clock: Clock;
  bytes: Uint8Array;
  bytesPerSecond: number;
  stallAfterBytes: number;
  signal: AbortSignal;
  onEnd: (detail: string) => void;
}): ReadableStream<Uint8Array> {
  let sent = 0;
  let ended = false;
  const end = (detail: string) => {
    if (ended) return;
    ended = true;
    o.onEnd(detail);
  };
  const perTick = Math.max(1, Math.round((o.bytesPerSecond * TICK_MS) / 1000));
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (o.signal.aborted) {
          end(reasonOf(o.signal.reason));
          controller.error(o.signal.reason);
          return;
        }
        o.signal.addEventListener(
          'abort',
          () => {
            if (ended) return;
            end(reasonOf(o.signal.reason));
            try {
              controller.error(o.signal.reason);
            } catch {}
          },
          { once: true },
        );
      },
      async pull(controller) {
        if (sent >= o.bytes.byteLength) {
          end('done');
          controller.close();
          return;
        }
        const stalled = sent >= o.stallAfterBytes;
        await o.clock.sleep(stalled ? 60_000 : TICK_MS, o.signal).catch(() => {});
        if (ended || stalled) return;
        const n = Math.min(perTick, o.bytes.byteLength - sent, Math.max(0, o.stallAfterBytes - sent));
        controller.enqueue(o.bytes.slice(sent, sent + n));
        sent += n;
      },
      cancel(reason) {
        end(`cancelled: ${reasonOf(reason)}`);
      },
    },
    { highWaterMark: 0 },
  );
}

/** A stable text for an abort reason (symbols and errors alike). */
export function reasonOf(reason: unknown): string {
  if (typeof reason === 'symbol') return reason.description ?? 'symbol';
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return String(reason);
}
