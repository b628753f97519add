import { once } from 'node:events';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sendBody } from './body';
import { defaultValidators, type Validators } from './http-rules';
import { logRequest } from './request-log';
import { type FileState, planResponse } from './respond';
import type { FileSource } from './sources';
import { Pacer } from './throttle';
import type { RangeServer, RequestRecord, ServerOptions, SetSourceOptions } from './types';

const DEFAULT_PATH = '/file.bin';

/** Starts a range server on 127.0.0.1 at an ephemeral port. Correct by default; see ServerOptions for faults. */
export async function createRangeServer(options: ServerOptions): Promise<RangeServer> {
  const filePath = options.path ?? DEFAULT_PATH;
  let version = 1;
  let file: FileState = { source: options.source, validators: validatorsFor(1, options.source, options) };
  let replaced = false;
  let nextRequestId = 0;
  let inFlight = 0;
  let signatures = 0;
  const signatureUses = new Map<string, number>();
  // Everything reset() clears; `gets` drives the "first K requests" faults.
  const counters = { bytesSent: 0, maxConcurrent: 0, connections: 0, gets: 0 };
  const requests: RequestRecord[] = [];
  const sockets = new Set<Socket>();
  const connectionOf = new WeakMap<Socket, { id: number; pacer: Pacer | null }>();
  const sharedPacer = options.totalBytesPerSecond ? new Pacer(options.totalBytesPerSecond) : null;

  const setSource = (source: FileSource, overrides: SetSourceOptions = {}): void => {
    version += 1;
    file = { source, validators: validatorsFor(version, source, overrides) };
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => res.destroy(error as Error));
  });
  server.on('connection', (socket: Socket) => {
    const id = counters.connections++;
    const rates = options.connectionRates;
    const bytesPerSecond = rates?.length ? rates[id % rates.length] : options.bytesPerSecond;
    connectionOf.set(socket, {
      id,
      pacer: bytesPerSecond ? new Pacer(bytesPerSecond, options.writeSeconds) : null,
    });
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const connection = connectionOf.get(req.socket);
    const ids = { id: nextRequestId++, connectionId: connection?.id ?? -1 };
    const { record, closed } = logRequest(requests, req, res, ids);
    const answer = (status: number, headers: OutgoingHttpHeaders = {}): void => {
      record.status = status;
      res.writeHead(status, { 'content-length': 0, ...headers }).end();
    };

    if (options.redirectTo !== undefined) return answer(302, { location: options.redirectTo });
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, { allow: 'GET, HEAD' });
    if (record.path !== filePath) return answer(404);
    const links = options.expiringLinks;
    if (links) {
      const sig = new URLSearchParams(record.search).get('sig');
      if (sig === null) return answer(302, { location: `${filePath}?sig=${++signatures}` });
      const uses = (signatureUses.get(sig) ?? 0) + (req.method === 'GET' ? 1 : 0);
      signatureUses.set(sig, uses);
      if (uses > links.validGets) return answer(403);
    }
    if (req.method === 'HEAD' && options.headStatus !== undefined) return answer(options.headStatus);

    const getIndex = req.method === 'GET' ? counters.gets++ : null;
    if (getIndex !== null && getIndex > 0 && options.singleUse) return answer(options.singleUse.status);
    if (getIndex !== null) {
      const replacement = options.replaceAfter;
      if (replacement && !replaced && getIndex >= replacement.afterRequests) {
        replaced = true;
        setSource(replacement.source);
      }
      const limit = options.maxConcurrentRequests;
      if (limit !== undefined && inFlight >= limit) return answer(503, { 'retry-after': '1' });
      inFlight += 1;
      counters.maxConcurrent = Math.max(counters.maxConcurrent, inFlight);
      res.on('close', () => {
        inFlight -= 1;
      });
      const fault = options.retryAfter;
      if (fault && getIndex < fault.firstRequests) {
        return answer(fault.status, { 'retry-after': String(fault.retryAfterSeconds) });
      }
    }

    const { source } = file; // a replacement mid-response must not change the bytes already promised
    const plan = planResponse(
      { range: req.headers.range, ifRange: firstValue(req.headers['if-range']) },
      { source, validators: file.validators },
      options,
    );
    record.status = plan.status;
    res.writeHead(plan.status, plan.headers);
    if (getIndex === null) return void res.end();
    const drop = options.dropAfter;
    await sendBody(res, source, plan.body, {
      pacer: connection?.pacer ?? null,
      sharedPacer,
      burstBytes: (connection?.pacer?.bytesPerSecond ?? 0) * (options.responseBurstSeconds ?? 0),
      gzip: plan.headers['content-encoding'] === 'gzip',
      cutAfterBytes: drop && getIndex < drop.firstRequests ? drop.afterBytes : null,
      signal: closed,
      onBytes: (bytes) => {
        record.bytesSent += bytes;
        counters.bytesSent += bytes;
      },
    });
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | null = null;

  return {
    url: `${origin}${filePath}`,
    origin,
    port,
    requests,
    get bytesSent() {
      return counters.bytesSent;
    },
    get maxConcurrent() {
      return counters.maxConcurrent;
    },
    get connections() {
      return counters.connections;
    },
    get source() {
      return file.source;
    },
    get etag() {
      return file.validators.etag;
    },
    get lastModified() {
      return file.validators.lastModified;
    },
    setSource,
    reset() {
      requests.length = 0;
      Object.assign(counters, { bytesSent: 0, maxConcurrent: 0, connections: 0, gets: 0 });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/** Explicit validators win, null included; missing ones get the version's defaults. */
function validatorsFor(version: number, source: FileSource, explicit: SetSourceOptions): Validators {
  const defaults = defaultValidators(version, source);
  return {
    etag: explicit.etag === undefined ? defaults.etag : explicit.etag,
    lastModified: explicit.lastModified === undefined ? defaults.lastModified : explicit.lastModified,
  };
}

/** Node types unknown headers as possibly repeated; If-Range is a single value. */
function firstValue(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}
