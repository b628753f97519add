import { parseArgs } from 'node:util';

export type Command =
  | { kind: 'download'; url: string; connections: number; outPath: string | null; quiet: boolean }
  | { kind: 'probe'; url: string; json: boolean }
  | { kind: 'help' };

export const USAGE = `usage: accel <url> [-n CONNECTIONS] [-o PATH] [--quiet]
       accel probe <url> [--json]

  -n, --connections N   parallel connections (1-32, default 8)
  -o, --output PATH     where to save (default: the server's filename in the current directory)
  -q, --quiet           no progress output
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
  };
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
