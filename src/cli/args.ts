import { parseArgs } from 'node:util';
import { parseHeader, RESERVED_HEADERS } from './headers';

export { USAGE } from './usage';

/** What every request of a download carries, before per-host cookies (request-headers.ts). */
export interface RequestOptions {
  /** -H, --user-agent, --referer, in that order (a later one of the same name wins). */
  headers: Record<string, string>;
  /** --cookie: for the URL's own host. */
  cookie: string | null;
  /** --load-cookies. */
  cookieFile: string | null;
  /** --timeout, in ms. */
  timeoutMs: number;
}

export interface DownloadCommand {
  kind: 'download';
  /** The URL given, or none with -i. */
  url: string | null;
  inputFile: string | null;
  jobs: number;
  connections: number;
  /**
   * Ramp the connections up while each step adds throughput (no -n given); with -n, all of them open at once, as
   * aria2c -x and axel -n do: the user has said how many the link takes.
   */
  ramp: boolean;
  outPath: string | null;
  dir: string | null;
  quiet: boolean;
  verbose: boolean;
  /** Bytes per second, or null for no limit. */
  limitRate: number | null;
  /** The SHA-256 the file must have (lowercase hex), or null. */
  sha256: string | null;
  maxTries: number;
  request: RequestOptions;
}

export type Command =
  | DownloadCommand
  | { kind: 'probe'; url: string; json: boolean; request: RequestOptions }
  | { kind: 'help' };

export class UsageError extends Error {
  override name = 'UsageError';
}

const DEFAULT_TIMEOUT_S = 30;

export function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      connections: { type: 'string', short: 'n' },
      output: { type: 'string', short: 'o' },
      dir: { type: 'string', short: 'd' },
      'input-file': { type: 'string', short: 'i' },
      jobs: { type: 'string', short: 'j' },
      quiet: { type: 'boolean', short: 'q' },
      verbose: { type: 'boolean', short: 'v' },
      'limit-rate': { type: 'string' },
      checksum: { type: 'string' },
      'max-tries': { type: 'string' },
      timeout: { type: 'string' },
      header: { type: 'string', short: 'H', multiple: true },
      'user-agent': { type: 'string' },
      referer: { type: 'string' },
      cookie: { type: 'string' },
      'load-cookies': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { kind: 'help' };
  const request = requestOptions(values);
  const [first, second, ...rest] = positionals;
  if (first === 'probe') {
    if (!second || rest.length > 0) throw new UsageError('probe takes exactly one URL');
    return { kind: 'probe', url: checkUrl(second), json: values.json ?? false, request };
  }
  const inputFile = values['input-file'] ?? null;
  if (inputFile !== null ? first !== undefined : !first || second !== undefined)
    throw new UsageError(
      inputFile !== null ? '-i takes the URLs from its file: give no URL' : 'expected exactly one URL',
    );
  if (inputFile !== null && values.output !== undefined)
    throw new UsageError("-o names one file: with -i, use -d DIR (each file keeps the server's name)");
  if (inputFile !== null && values.checksum !== undefined)
    throw new UsageError('--checksum is for one file: not with -i');
  if (inputFile === null && values.jobs !== undefined) throw new UsageError('-j is for -i FILE');
  return {
    kind: 'download',
    url: first ? checkUrl(first) : null,
    inputFile,
    jobs: wholeNumber('-j', values.jobs, 1, 1, 16),
    connections: wholeNumber('-n', values.connections, 8, 1, 32),
    ramp: values.connections === undefined,
    outPath: values.output ?? null,
    dir: values.dir ?? null,
    quiet: values.quiet ?? false,
    verbose: values.verbose ?? false,
    limitRate: values['limit-rate'] === undefined ? null : parseRate(values['limit-rate']),
    sha256: values.checksum === undefined ? null : parseChecksum(values.checksum),
    maxTries: wholeNumber('--max-tries', values['max-tries'], 5, 1, 100),
    request,
  };
}

function requestOptions(values: {
  header?: string[];
  'user-agent'?: string;
  referer?: string;
  cookie?: string;
  'load-cookies'?: string;
  timeout?: string;
}): RequestOptions {
  const headers: Record<string, string> = {};
  const set = (name: string, value: string) => {
    for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
    headers[name] = value;
  };
  for (const line of values.header ?? []) set(...parseHeader(line));
  if (values['user-agent'] !== undefined) set(...parseHeader(`User-Agent: ${values['user-agent']}`));
  if (values.referer !== undefined) set('Referer', checkUrl(values.referer));
  const cookie = values.cookie === undefined ? null : parseHeader(`Cookie: ${values.cookie}`)[1];
  const timeout = values.timeout === undefined ? DEFAULT_TIMEOUT_S : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 3600)
    throw new UsageError(`--timeout must be a number of seconds from 0.1 to 3600, got "${values.timeout}"`);
  for (const name of Object.keys(headers))
    if (RESERVED_HEADERS.has(name.toLowerCase()))
      throw new UsageError(`-H ${name}: the downloader sets it itself`);
  return {
    headers,
    cookie,
    cookieFile: values['load-cookies'] ?? null,
    timeoutMs: Math.round(timeout * 1000),
  };
}

function wholeNumber(
  flag: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

const RATE = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?(?:\/s)?$/i;
const RATE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "500K", "2M", "1.5m", "1048576" -> bytes per second (at least 1 KiB/s). */
export function parseRate(value: string): number {
  const match = RATE.exec(value.trim());
  const bytes = match
    ? Math.floor(Number(match[1]) * (RATE_UNITS[(match[2] ?? '').toLowerCase()] ?? 1))
    : NaN;
  if (!Number.isFinite(bytes) || bytes < 1024) {
    throw new UsageError(`--limit-rate must be a rate of at least 1K (e.g. 500K, 2M), got "${value}"`);
  }
  return bytes;
}

/** `sha256=HEX` (also `sha-256=` or `SHA256:`): lowercase hex. Other algorithms are refused by name. */
export function parseChecksum(value: string): string {
  const match = /^\s*([\w-]+)[=:]\s*([0-9a-f]+)\s*$/i.exec(value);
  const algorithm = match?.[1]?.toLowerCase().replace('-', '');
  if (algorithm !== undefined && algorithm !== 'sha256')
    throw new UsageError(`--checksum supports sha256 only, got "${match?.[1]}"`);
  const hex = match?.[2];
  if (hex?.length !== 64)
    throw new UsageError(`--checksum must be sha256= and 64 hex digits, got "${value}"`);
  return hex.toLowerCase();
}

/** An absolute http(s) URL, normalised. */
export function checkUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`only http and https URLs are supported, got ${url.protocol}`);
  }
  return url.href;
}
