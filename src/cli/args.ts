import { parseArgs } from 'node:util';

export type Command =
  | {
      kind: 'download';
      url: string;
      connections: number;
      outPath: string | null;
      quiet: boolean;
      verbose: boolean;
      /** Bytes per second, or null for no limit. */
      limitRate: number | null;
      /** The SHA-256 the file must have (lowercase hex), or null. */
      sha256: string | null;
    }
  | { kind: 'probe'; url: string; json: boolean }
  | { kind: 'help' };

export const USAGE = `usage: accel <url> [-n CONNECTIONS] [-o PATH] [--limit-rate RATE] [--quiet]
       accel probe <url> [--json]

  -n, --connections N   most parallel connections (1-32, default 8); they ramp up while it helps
  -o, --output PATH     where to save (default: the server's filename in the current directory)
      --limit-rate RATE cap the speed, in bytes per second; K, M, G suffixes (1024-based): 500K, 2M
      --checksum sha256=HEX
                        the SHA-256 the file must have; a file that differs is deleted (exit 1). The
                        server's Repr-Digest or Digest: SHA-256 header is checked too when it sends one
  -q, --quiet           no progress output
  -v, --verbose         also say how the file was hashed
      --json            (probe) print one JSON object

Run the same command again after an interruption to resume.`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      connections: { type: 'string', short: 'n' },
      output: { type: 'string', short: 'o' },
      quiet: { type: 'boolean', short: 'q' },
      verbose: { type: 'boolean', short: 'v' },
      'limit-rate': { type: 'string' },
      checksum: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { kind: 'help' };
  const [first, second, ...rest] = positionals;
  if (first === 'probe') {
    if (!second || rest.length > 0) throw new UsageError('probe takes exactly one URL');
    return { kind: 'probe', url: checkUrl(second), json: values.json ?? false };
  }
  if (!first || second !== undefined) throw new UsageError('expected exactly one URL');
  const connections = values.connections === undefined ? 8 : Number(values.connections);
  if (!Number.isInteger(connections) || connections < 1 || connections > 32) {
    throw new UsageError(`-n must be a whole number from 1 to 32, got "${values.connections}"`);
  }
  return {
    kind: 'download',
    url: checkUrl(first),
    connections,
    outPath: values.output ?? null,
    quiet: values.quiet ?? false,
    verbose: values.verbose ?? false,
    limitRate: values['limit-rate'] === undefined ? null : parseRate(values['limit-rate']),
    sha256: values.checksum === undefined ? null : parseChecksum(values.checksum),
  };
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

function checkUrl(value: string): string {
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
