import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestRecord } from './types';

/**
 * One request as a test server logs it (the range server and the sites alike): recorded when it arrives, and
 * marked ended (cut short or not) when its response closes. The returned signal aborts then too, so a handler
 * that paces a body stops with it.
 */
export function logRequest(
  log: RequestRecord[],
  req: IncomingMessage,
  res: ServerResponse,
  ids: { id: number; connectionId: number },
): { record: RequestRecord; closed: AbortSignal } {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const ifRange = req.headers['if-range'];
  const record: RequestRecord = {
    ...ids,
    method: req.method ?? '',
    path: url.pathname,
    search: url.search,
    range: req.headers.range ?? null,
    // Node types unknown headers as possibly repeated; If-Range is a single value.
    ifRange: (Array.isArray(ifRange) ? ifRange[0] : ifRange) ?? null,
    headers: req.headers,
    status: 0,
    bytesSent: 0,
    startedAtMs: performance.now(),
    endedAtMs: null,
    aborted: false,
  };
  log.push(record);
  const closed = new AbortController();
  res.on('close', () => {
    record.endedAtMs = performance.now();
    record.aborted = !res.writableFinished;
    closed.abort();
  });
  return { record, closed: closed.signal };
}
