import { t } from '../../shared/i18n';

/**
 * What can go wrong talking to aria2, each with a stable `code` (matched by `name` and `code` across contexts,
 * never by instanceof). Messages (in the browser's language) name the RPC endpoint and the method, never the secret token.
 */
export type Aria2ErrorCode = 'ARIA2_BAD_URL' | 'ARIA2_UNREACHABLE' | 'ARIA2_UNAUTHORIZED' | 'ARIA2_RPC';

export class Aria2Error extends Error {
  override name = 'Aria2Error';
  constructor(
    readonly code: Aria2ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The RPC URL is not an http(s) or ws(s) URL, or carries credentials (the secret never goes in a URL). */
export class Aria2UrlError extends Aria2Error {
  override name = 'Aria2UrlError';
  constructor(reason: string) {
    super('ARIA2_BAD_URL', t('aria2_error_bad_url', reason));
  }
}

/** Nothing answered at the endpoint (refused, reset, timed out), or what answered is not aria2's JSON-RPC. */
export class Aria2UnreachableError extends Aria2Error {
  override name = 'Aria2UnreachableError';
  constructor(endpoint: string, reason: string, cause?: unknown) {
    super('ARIA2_UNREACHABLE', t('aria2_error_unreachable', endpoint, reason), { cause });
  }
}

/** aria2 answered "Unauthorized": the secret token is wrong (or missing, or given to an aria2 without one). */
export class Aria2UnauthorizedError extends Aria2Error {
  override name = 'Aria2UnauthorizedError';
  constructor(endpoint: string) {
    super('ARIA2_UNAUTHORIZED', t('aria2_error_unauthorized', endpoint));
  }
}

/** aria2 answered the call with a JSON-RPC error of its own (e.g. an unknown GID). */
export class Aria2RpcError extends Aria2Error {
  override name = 'Aria2RpcError';
  constructor(
    readonly method: string,
    readonly rpcCode: number,
    rpcMessage: string,
  ) {
    super('ARIA2_RPC', t('aria2_error_rpc', method, rpcMessage, rpcCode));
  }
}
