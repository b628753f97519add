import { t } from '../../shared/i18n';
import { Aria2UrlError } from './errors';

export const DEFAULT_RPC_URL = 'http://127.0.0.1:6800/jsonrpc';
export const MAX_RPC_URL_CHARS = 2048;

export interface RpcEndpoint {
  /** The URL as given, checked. */
  url: string;
  transport: 'http' | 'ws';
}

/**
 * aria2's RPC endpoint: http(s) (one POST per call) or ws(s) (a WebSocket). A URL with a user name or password
 * is refused: the secret token travels in the call's body only, never in a URL.
 */
export function parseRpcUrl(raw: string): RpcEndpoint {
  if (raw.length > MAX_RPC_URL_CHARS) throw new Aria2UrlError(t('aria2_url_too_long'));
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Aria2UrlError(t('aria2_url_not_url', raw.slice(0, 80)));
  }
  if (url.username !== '' || url.password !== '') throw new Aria2UrlError(t('aria2_url_credentials'));
  if (url.search !== '' || url.hash !== '') throw new Aria2UrlError(t('aria2_url_query'));
  switch (url.protocol) {
    case 'http:':
    case 'https:':
      return { url: raw, transport: 'http' };
    case 'ws:':
    case 'wss:':
      return { url: raw, transport: 'ws' };
    default:
      throw new Aria2UrlError(t('aria2_url_scheme', url.protocol));
  }
}
