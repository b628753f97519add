import { t } from '../../shared/i18n';
import { Aria2UnreachableError } from './errors';

/** Sends one JSON-RPC request body to the endpoint and resolves with the response body's text. */
export type RpcTransport = (url: string, body: string, id: string, timeoutMs: number) => Promise<string>;

type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * One POST per call. The body is read whatever the status: aria2 answers a JSON-RPC error (a wrong secret
 * among them) with HTTP 400 and the error object in the body.
 */
export function httpTransport(fetchImpl: FetchLike = (url, init) => fetch(url, init)): RpcTransport {
  return async (url, body, _id, timeoutMs) => {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        cache: 'no-store',
        credentials: 'omit',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new Aria2UnreachableError(url, describe(error), error);
    }
    try {
      return await response.text();
    } catch (error) {
      throw new Aria2UnreachableError(url, t('aria2_reason_body_cut', response.status), error);
    }
  };
}

export interface WebSocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  send(data: string): void;
  close(): void;
}
type WebSocketFactory = (url: string) => WebSocketLike;

/**
 * One WebSocket per call: opened, the request sent, closed at the reply with our id. aria2 also pushes
 * notifications (onDownloadStart, ...) on the socket; they carry no id and are skipped.
 */
export function wsTransport(
  open: WebSocketFactory = (url) => new WebSocket(url) as unknown as WebSocketLike,
): RpcTransport {
  return (url, body, id, timeoutMs) =>
    new Promise<string>((resolve, reject) => {
      let socket: WebSocketLike;
      try {
        socket = open(url);
      } catch (error) {
        reject(new Aria2UnreachableError(url, describe(error), error));
        return;
      }
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
        socket.close();
        outcome();
      };
      const fail = (reason: string) => finish(() => reject(new Aria2UnreachableError(url, reason)));
      const timer = setTimeout(() => fail(t('aria2_reason_no_answer_within', timeoutMs)), timeoutMs);
      socket.onopen = () => socket.send(body);
      socket.onmessage = (event) => {
        if (typeof event.data !== 'string') return;
        let reply: unknown;
        try {
          reply = JSON.parse(event.data);
        } catch {
          return fail(t('aria2_reason_ws_not_json'));
        }
        if ((reply as { id?: unknown } | null)?.id === id) finish(() => resolve(event.data as string));
      };
      socket.onerror = () => fail(t('aria2_reason_ws_failed'));
      socket.onclose = (event) => fail(t('aria2_reason_ws_closed', event.code));
    });
}

export function describe(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return t('aria2_reason_no_answer');
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? ` (${cause.message})` : '';
    return `${error.message}${detail}`;
  }
  return String(error);
}
