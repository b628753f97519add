import { once } from 'node:events';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sendBody } from '../body';
import { defaultValidators } from '../http-rules';
import { logRequest } from '../request-log';
import { type FileState, planResponse } from '../respond';
import type { FileSource } from '../sources';
import { Pacer } from '../throttle';
import type { RequestRecord } from '../types';

/**
 * A small web site on loopback: one handler decides each answer (a page, a refusal, a redirect, the file), and
 * every request is logged as the range server logs it. The file itself is served with the range server's own
 * rules (planResponse and sendBody), so a site that does serve it is a correct range server.
 */
export interface SiteServer {
  /** http://HOST:PORT */
  readonly origin: string;
  readonly port: number;
  /** Every request, in arrival order. */
  readonly requests: RequestRecord[];
  close(): Promise<void>;
}

/** One request and the ways to answer it; each records the status (and the body bytes) in `record`. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly record: RequestRecord;
  /** A header of the request as one string (repeated headers joined), or null. */
  header(name: string): string | null;
  /** An empty answer. */
  answer(status: number, headers?: OutgoingHttpHeaders): void;
  html(body: string, headers?: OutgoingHttpHeaders): void;
  /** The file under RFC 9110 range rules (Range and If-Range of a GET), the body paced per connection. */
  sendFile(file: SiteFile): Promise<void>;
}

export type SiteHandler = (exchange: Exchange) => void | Promise<void>;

export interface SiteServerOptions {
  /** A loopback address, default 127.0.0.1 (127.0.0.2 is a second host, another site to the browser). */
  host?: string;
  /** Caps every connection (socket) at this rate. */
  bytesPerSecond?: number;
}

/** A file as a site serves it: bytes, validators and the name it is saved under. */
export interface SiteFile {
  state: FileState;
  contentDisposition: string;
}

/** The file `name` with the range server's default validators (the ETag names content and size). */
export function siteFile(source: FileSource, name: string): SiteFile {
  return {
    state: { source, validators: defaultValidators(1, source) },
    contentDisposition: `attachment; filename="${name}"`,
  };
}

export async function startSite(handle: SiteHandler, options: SiteServerOptions = {}): Promise<SiteServer> {
  const host = options.host ?? '127.0.0.1';
  const requests: RequestRecord[] = [];
  const sockets = new Set<Socket>();
  const pacers = new WeakMap<Socket, { id: number; pacer: Pacer | null }>();
  let connections = 0;

  const server = createServer((req, res) => {
    const connection = pacers.get(req.socket);
    const ids = { id: requests.length, connectionId: connection?.id ?? -1 };
    const { record, closed } = logRequest(requests, req, res, ids);
    const exchange = exchangeOf(req, res, record, connection?.pacer ?? null, closed);
    Promise.resolve(handle(exchange)).catch((error: unknown) => res.destroy(error as Error));
  });
  server.on('connection', (socket: Socket) => {
    const pacer = options.bytesPerSecond ? new Pacer(options.bytesPerSecond) : null;
    pacers.set(socket, { id: connections++, pacer });
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | null = null;
  return {
    origin: `http://${host}:${port}`,
    port,
    requests,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

function exchangeOf(
  req: IncomingMessage,
  res: ServerResponse,
  record: RequestRecord,
  pacer: Pacer | null,
  signal: AbortSignal,
): Exchange {
  const header = (name: string): string | null => {
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : (value ?? null);
  };
  const answer = (status: number, headers: OutgoingHttpHeaders = {}): void => {
    record.status = status;
    res.writeHead(status, { 'content-length': 0, 'cache-control': 'no-store', ...headers }).end();
  };
  return {
    req,
    record,
    header,
    answer,
    html(body, headers = {}) {
      record.status = 200;
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-length': Buffer.byteLength(body),
        ...headers,
      });
      res.end(body);
    },
    async sendFile(file) {
      // Range is defined for GET only (RFC 9110 section 14.2): a POST gets the whole answer.
      const ranged = req.method === 'GET' || req.method === 'HEAD';
      const plan = planResponse(
        {
          range: (ranged && header('range')) || undefined,
          ifRange: (ranged && header('if-range')) || undefined,
        },
        file.state,
        { contentDisposition: file.contentDisposition },
      );
      record.status = plan.status;
      res.writeHead(plan.status, { ...plan.headers, 'cache-control': 'no-store' });
      if (req.method === 'HEAD') return void res.end();
      await sendBody(res, file.state.source, plan.body, {
        pacer,
        sharedPacer: null,
        burstBytes: 0,
        gzip: false,
        cutAfterBytes: null,
        signal,
        onBytes: (bytes) => {
          record.bytesSent += bytes;
        },
      });
    },
  };
}
