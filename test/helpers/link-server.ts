import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A server of links, in front of range servers: each request is answered as the test's `route` says, with a
 * redirect, a bare status, or the answer of a range server it passes the request on to (Range, If-Range and
 * Accept-Encoding included). It stands for the site a user clicks on and the URLs its links resolve to, so a test
 * can make a link expire, redirect elsewhere or lead to another file at a chosen request. Binds `host` (another
 * loopback address, 127.0.0.2, is another host) on an ephemeral port and records every request.
 */

export type LinkAnswer = { redirect: string } | { status: number } | { pass: string };

export interface LinkRequest {
  /** Path and query, e.g. `/r/1?x=2`. */
  path: string;
  range: string | null;
  /** Requests to the same path before this one. */
  index: number;
  /** What it was answered with (the status a passed-on request got from its range server). */
  answer: LinkAnswer;
  status: number;
}

export interface LinkServer {
  readonly origin: string;
  readonly requests: LinkRequest[];
  url(path: string): string;
  /** The requests to `path` (path and query as asked). */
  to(path: string): LinkRequest[];
  close(): Promise<void>;
}

export async function createLinkServer(
  route: (path: string, index: number) => LinkAnswer,
  host = '127.0.0.1',
): Promise<LinkServer> {
  const requests: LinkRequest[] = [];
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const index = counts.get(path) ?? 0;
    counts.set(path, index + 1);
    const answer = route(path, index);
    const record: LinkRequest = { path, range: req.headers.range ?? null, index, answer, status: 0 };
    requests.push(record);
    if ('redirect' in answer) {
      record.status = 302;
      res.writeHead(302, { location: answer.redirect, 'content-length': 0 }).end();
    } else if ('status' in answer) {
      record.status = answer.status;
      res.writeHead(answer.status, { 'content-length': 0 }).end();
    } else {
      pass(req, res, answer.pass, record);
    }
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host}:${port}`;
  let closing: Promise<void> | null = null;
  return {
    origin,
    requests,
    url: (path) => `${origin}${path}`,
    to: (path) => requests.filter((r) => r.path === path),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** Passes the request on to `target` and streams its answer back; either side going away ends the other. */
function pass(req: IncomingMessage, res: ServerResponse, target: string, record: LinkRequest): void {
  const headers: Record<string, string> = {};
  for (const name of ['range', 'if-range', 'accept-encoding']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const upstream = httpRequest(target, { method: req.method, headers }, (answer) => {
    record.status = answer.statusCode ?? 0;
    res.writeHead(record.status, answer.headers);
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  upstream.on('error', () => res.destroy());
  res.on('close', () => upstream.destroy());
  upstream.end();
}
