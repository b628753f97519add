import { describe, expect, it } from 'vitest';
import { type DownloadCommand, parseCommand, USAGE } from '../../src/cli/args';

const URL = 'http://x.test/f.bin';
const SHA = 'ab'.repeat(32);

/**
 * Each flag as `accel --help` spells it at the start of its line, the arguments that use it, and what the
 * parser makes of them: the help and the parser agree on every spelling.
 */
const FLAGS: [string, string[], (c: DownloadCommand) => unknown, unknown][] = [
  [
    '-H, --header',
    [URL, '-H', 'X-One: 1', '--header', 'X-Two: 2'],
    (c) => c.request.headers,
    { 'X-One': '1', 'X-Two': '2' },
  ],
  ['--user-agent', [URL, '--user-agent', 'tool/1'], (c) => c.request.headers['User-Agent'], 'tool/1'],
  [
    '--referer',
    [URL, '--referer', 'http://x.test/page'],
    (c) => c.request.headers.Referer,
    'http://x.test/page',
  ],
  ['--cookie', [URL, '--cookie', 'a=1; b=2'], (c) => c.request.cookie, 'a=1; b=2'],
  ['--load-cookies', [URL, '--load-cookies', 'cookies.txt'], (c) => c.request.cookieFile, 'cookies.txt'],
  ['-i, --input-file', ['-i', 'urls.txt'], (c) => c.inputFile, 'urls.txt'],
  ['-d, --dir', [URL, '-d', 'out'], (c) => c.dir, 'out'],
  ['--max-tries', [URL, '--max-tries', '3'], (c) => c.maxTries, 3],
  ['--timeout', [URL, '--timeout', '2.5'], (c) => c.request.timeoutMs, 2500],
  ['--checksum', [URL, '--checksum', `sha256=${SHA}`], (c) => c.sha256, SHA],
  ['-n, --connections', [URL, '-n', '4'], (c) => c.connections, 4],
  ['-o, --output', [URL, '-o', 'name.bin'], (c) => c.outPath, 'name.bin'],
];

describe('accel --help', () => {
  it.each(['--help', '-h'])('is what %s asks for, whatever else is given', (flag) => {
    expect(parseCommand([flag])).toEqual({ kind: 'help' });
    expect(parseCommand([URL, '-n', '4', flag])).toEqual({ kind: 'help' });
  });

  it.each(FLAGS)(
    'lists %s, which the parser takes as the help spells it',
    (spelling, args, read, expected) => {
      // Letters, dashes, commas and spaces only: nothing to escape.
      const line = new RegExp(`^ {2,}${spelling}\\b`, 'm');
      expect(USAGE).toMatch(line);
      const command = parseCommand(args);
      expect(command.kind).toBe('download');
      expect(read(command as DownloadCommand)).toEqual(expected);
    },
  );
});
