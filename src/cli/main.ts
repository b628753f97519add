import { mkdir, readFile } from 'node:fs/promises';
import { describe } from '../engine/errors';
import { probe } from '../engine/probe';
import { createFetcher } from '../net/fetcher';
import { systemClock } from '../shared/system-clock';
import { type Command, type DownloadCommand, parseCommand, type RequestOptions, USAGE } from './args';
import { type Cookie, parseCookieFile } from './cookies';
import { failureHint } from './describe';
import { downloadOne, type Output } from './download-one';
import { parseInputList, runPool } from './input-list';
import { headersFor } from './request-headers';

async function main(argv: string[]): Promise<number> {
  let command: Command;
  let jar: Cookie[];
  let urls: string[];
  try {
    command = parseCommand(argv);
    if (command.kind === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    jar = await loadCookies(command.request);
    urls = command.kind === 'download' ? await urlsOf(command) : [];
  } catch (error) {
    process.stderr.write(`accel: ${describe(error)}\n${USAGE}\n`);
    return 2;
  }
  if (command.kind === 'probe') return runProbe(command.url, command.json, command.request, jar);
  return runDownloads(command, urls, jar);
}

async function loadCookies(request: RequestOptions): Promise<Cookie[]> {
  if (request.cookieFile === null) return [];
  return parseCookieFile(await readFile(request.cookieFile, 'utf8'), request.cookieFile);
}

async function urlsOf(command: DownloadCommand): Promise<string[]> {
  if (command.url !== null) return [command.url];
  const file = command.inputFile ?? '';
  return parseInputList(await readFile(file, 'utf8'), file);
}

async function runDownloads(command: DownloadCommand, urls: string[], jar: Cookie[]): Promise<number> {
  const controller = new AbortController();
  const interrupt = () => controller.abort('interrupted');
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const several = urls.length > 1;
  const tty = process.stderr.isTTY === true;
  // A live progress line only when one download at a time shows it.
  const progress = command.quiet ? null : tty && command.jobs === 1 ? 'tty' : 'plain';
  const write = (line: string) =>
    process.stderr.write(progress === 'tty' ? `\r\x1b[K${line}\n` : `${line}\n`);
  try {
    // As aria2 and wget do: -d DIR is made when missing.
    if (command.dir !== null) await mkdir(command.dir, { recursive: true });
    const codes = await runPool(urls, command.jobs, (url, index) => {
      const prefix = several ? `[${index + 1}/${urls.length}] ` : '';
      const out: Output = {
        say: (line) => {
          if (!command.quiet) write(`${prefix}${line}`);
        },
        fail: (line) => write(`accel: ${prefix}${line}`),
        progress,
      };
      if (several) out.say(url);
      return controller.signal.aborted
        ? Promise.resolve(130)
        : downloadOne(url, command, jar, controller.signal, out);
    });
    if (codes.includes(130)) return 130;
    const failed = codes.filter((code) => code !== 0).length;
    if (several) write(`accel: ${urls.length - failed} of ${urls.length} downloads saved`);
    return failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

async function runProbe(url: string, json: boolean, request: RequestOptions, jar: Cookie[]): Promise<number> {
  const controller = new AbortController();
  try {
    const fetcher = createFetcher(undefined, {
      headersFor: headersFor(request, url, jar, Date.now),
      headersTimeoutMs: request.timeoutMs,
    });
    const remote = await probe({ fetcher, clock: systemClock, headers: {}, signal: controller.signal }, url);
    const { finalUrl, size, acceptRanges, etag, lastModified, filename, mime } = remote;
    const sha256 = remote.digest?.sha256 ?? null;
    const info = { url, finalUrl, size, acceptRanges, etag, lastModified, filename, mime, sha256 };
    process.stdout.write(json ? `${JSON.stringify(info)}\n` : formatInfo(info));
    return 0;
  } catch (error) {
    process.stderr.write(`accel: ${describe(error)}\n`);
    const hint = failureHint(error);
    if (hint !== null) process.stderr.write(`accel: ${hint}\n`);
    return 1;
  }
}

function formatInfo(info: Record<string, unknown>): string {
  return `${Object.entries(info)
    .map(([key, value]) => `${key.padEnd(13)}${value ?? '-'}`)
    .join('\n')}\n`;
}

// Exit at once: lingering keep-alive sockets must not hold the finished download up.
process.exit(await main(process.argv.slice(2)));
