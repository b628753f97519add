import { t } from '../../shared/i18n';
import { Aria2RpcError, Aria2UnauthorizedError, Aria2UnreachableError } from './errors';
import { parseRpcUrl } from './rpc-url';
import { httpTransport, type RpcTransport, wsTransport } from './transports';

export interface Aria2Config {
  rpcUrl: string;
  /** aria2's --rpc-secret; empty for none. Sent as the first param, `token:SECRET`, in the body only. */
  secret: string;
}

/** The fields of aria2.tellStatus the extension asks for (aria2 sends numbers as decimal strings). */
export interface Aria2Status {
  gid: string;
  status: 'active' | 'waiting' | 'paused' | 'error' | 'complete' | 'removed';
  totalLength: string;
  completedLength: string;
  downloadSpeed: string;
  errorMessage?: string;
}
export const STATUS_KEYS = [
  'gid',
  'status',
  'totalLength',
  'completedLength',
  'downloadSpeed',
  'errorMessage',
];

/** aria2.addUri's options the extension sets (aria2 option names; `header` may repeat). */
export interface AddUriOptions {
  out?: string;
  referer?: string;
  'user-agent'?: string;
  header?: string[];
  /** `sha-256=HEX`: aria2 checks the finished file against it. */
  checksum?: string;
}

export interface ClientOptions {
  timeoutMs?: number;
  http?: RpcTransport;
  ws?: RpcTransport;
}

/** A small aria2 JSON-RPC 2.0 client over http(s) or ws(s): one call, one request, one answer. */
export class Aria2Client {
  private readonly url: string;
  private readonly transport: RpcTransport;
  private readonly timeoutMs: number;
  private nextId = 0;

  constructor(
    private readonly config: Aria2Config,
    options: ClientOptions = {},
  ) {
    const endpoint = parseRpcUrl(config.rpcUrl);
    this.url = endpoint.url;
    this.transport =
      endpoint.transport === 'ws' ? (options.ws ?? wsTransport()) : (options.http ?? httpTransport());
    // aria2 holds back its answer to a wrong secret for a while (against guessing).
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async call<T>(method: string, params: unknown[] = []): Promise<T> {
    const id = `accel-${++this.nextId}`;
    const withToken = this.config.secret === '' ? params : [`token:${this.config.secret}`, ...params];
    const body = JSON.stringify({ jsonrpc: '2.0', id, method, params: withToken });
    const text = await this.transport(this.url, body, id, this.timeoutMs);
    let reply: { result?: unknown; error?: { code?: unknown; message?: unknown } };
    try {
      reply = JSON.parse(text) as typeof reply;
    } catch {
      throw new Aria2UnreachableError(this.url, t('aria2_not_json'));
    }
    if (typeof reply !== 'object' || reply === null)
      throw new Aria2UnreachableError(this.url, t('aria2_not_json_rpc'));
    if (reply.error) {
      const message = String(reply.error.message ?? t('aria2_rpc_unknown_error'));
      if (message === 'Unauthorized') throw new Aria2UnauthorizedError(this.url);
      throw new Aria2RpcError(method, Number(reply.error.code ?? 0), message);
    }
    if (!('result' in reply)) throw new Aria2UnreachableError(this.url, t('aria2_not_json_rpc'));
    return reply.result as T;
  }

  async version(): Promise<string> {
    return (await this.call<{ version: string }>('aria2.getVersion')).version;
  }

  /** Queues a download; resolves with its GID once aria2 accepted it. */
  addUri(uris: string[], options: AddUriOptions): Promise<string> {
    return this.call<string>('aria2.addUri', [uris, options]);
  }

  tellStatus(gid: string): Promise<Aria2Status> {
    return this.call<Aria2Status>('aria2.tellStatus', [gid, STATUS_KEYS]);
  }

  pause(gid: string): Promise<string> {
    return this.call<string>('aria2.pause', [gid]);
  }

  unpause(gid: string): Promise<string> {
    return this.call<string>('aria2.unpause', [gid]);
  }

  /** Stops a download aria2 still holds (active, waiting or paused). */
  remove(gid: string): Promise<string> {
    return this.call<string>('aria2.remove', [gid]);
  }

  /** Forgets a stopped download (complete, error or removed). */
  removeDownloadResult(gid: string): Promise<string> {
    return this.call<string>('aria2.removeDownloadResult', [gid]);
  }
}
