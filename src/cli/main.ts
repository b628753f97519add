import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { download } from '../engine/download';
import { describe } from '../engine/errors';
import type { Sha256, Verdict } from '../engine/integrity';
import { probe } from '../engine/probe';
import { RateLimiter } from '../engine/rate-limiter';
import type { Adaptations, DownloadNotice, Progress } from '../engine/types';
import { createFetcher } from '../net/fetcher';
import { formatBytes } from '../shared/format-bytes';
import { systemClock } from '../shared/system-clock';
import { type Command, parseCommand, USAGE } from './args';
import { FileSink } from './file-sink';
import { formatProgress } from './format';

const PLAIN_PROGRESS_INTERVAL_MS = 2000;

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    process.stderr.write(`accel: ${describe(error)}\n${USAGE}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.kind === 'probe') return runProbe(command.url, command.json);
  return runDownload(command);
}

async function runProbe(url: string, json: boolean): Promise<number> {
  const controller = new AbortController();
  try {
    const remote = await probe(
      { fetcher: createFetcher(), clock: systemClock, headers: {}, signal: controller.signal },
      url,
    );
    const { finalUrl, size, acceptRanges, etag, lastModified, filename, mime } = remote;
    const info = { url, finalUrl, size, acceptRanges, etag, lastModified, filename, mime };
    process.stdout.write(json ? `${JSON.stringify(info)}\n` : formatInfo(info));
    return 0;
  } catch (error) {
    process.stderr.write(`accel: ${describe(error)}\n`);
    return 1;
  }
}

function formatInfo(info: Record<string, unknown>): string {
  return `${Object.entries(info)
    .map(([key, value]) => `${key.padEnd(13)}${value ?? '-'}`)
    .join('\n')}\n`;
}

async function runDownload(command: Extract<Command, { kind: 'download' }>): Promise<number> {
  const tty = process.stderr.isTTY === true && !command.quiet;
  const say = (line: string) => {
    if (command.quiet) return;
    process.stderr.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
  };
  const sink = new FileSink({
    url: command.url,
    outPath: command.outPath ? resolve(command.outPath) : null,
    dir: process.cwd(),
    expectedSha256: command.sha256,
    createSha256: nodeSha256,
  });
  const controller = new AbortController();
  const interrupt = () => controller.abort('interrupted');
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let lastPlainMs = 0;
  const onProgress = (p: Progress) => {
    if (command.quiet) return;
    if (tty) {
      process.stderr.write(`\r\x1b[K${formatProgress(p, 24)}`);
    } else if (Date.now() - lastPlainMs >= PLAIN_PROGRESS_INTERVAL_MS) {
      lastPlainMs = Date.now();
      process.stderr.write(`${formatProgress(p)}\n`);
    }
  };
  try {
    const started = Date.now();
    const result = await download({
      url: command.url,
      fetcher: createFetcher(),
      clock: systemClock,
      sink,
      maxConnections: command.connections,
      limits: command.limitRate === null ? [] : [new RateLimiter(systemClock, command.limitRate)],
      signal: controller.signal,
      onProgress,
      onNotice: (notice) => say(describeNotice(notice)),
    });
    const seconds = (Date.now() - started) / 1000;
    const size = result.remote.size ?? result.receivedBytes;
    if (tty) process.stderr.write('\n');
    say(`saved ${sink.finalPath} (${formatBytes(size, 'fixed')} in ${seconds.toFixed(1)} s)`);
    if (sink.verdict) say(describeVerdict(sink.verdict));
    if (command.verbose) {
      const { streamed, readBack } = sink.hashedBytes;
      say(`hashed ${streamed} bytes as written, ${readBack} read back from the file`);
    }
    say(describeAdaptations(result.requests, result.adaptations));
    return 0;
  } catch (error) {
    await sink.close().catch(() => {});
    if (tty) process.stderr.write('\n');
    if (controller.signal.aborted) {
      process.stderr.write('accel: interrupted; run the same command again to resume\n');
      return 130;
    }
    process.stderr.write(`accel: ${describe(error)}\n`);
    // Matched by code, as errors are everywhere: what was downloaded is on disk, listed in the resume record.
    if ((error as { code?: unknown }).code === 'CHECKSUM_MISMATCH') {
      process.stderr.write('accel: the downloaded file was deleted; nothing of it is kept\n');
    }
    if ((error as { code?: unknown }).code === 'LINK_EXPIRED') {
      process.stderr.write('accel: what was downloaded is kept; run the same command again to resume\n');
    }
    return 1;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

/** The CLI's hash: node:crypto's native SHA-256 (about 15x @noble/hashes here, README "Checksums"). */
function nodeSha256(): Sha256 {
  const hash = createHash('sha256');
  return { update: (bytes) => hash.update(bytes), digestHex: () => hash.digest('hex') };
}

function describeVerdict(verdict: Verdict): string {
  return verdict.result === 'verified'
    ? `sha256 ${verdict.sha256}: ${verdict.note}`
    : `sha256 ${verdict.sha256} (nothing to check it against)`;
}

function describeAdaptations(requests: number, a: Adaptations): string {
  const parts = [`${requests} requests`, `up to ${a.peakConnections} connections`];
  if (a.racesWon + a.racesLost > 0) parts.push(`endgame races won ${a.racesWon}, lost ${a.racesLost}`);
  if (a.stragglerRestarts > 0) parts.push(`${a.stragglerRestarts} slow connection(s) restarted`);
  return parts.join(', ');
}

function describeNotice(notice: DownloadNotice): string {
  switch (notice.type) {
    case 'resumed':
      return `resuming: ${formatBytes(notice.doneBytes, 'fixed')} already downloaded`;
    case 'restarted':
      return notice.reason === 'changed'
        ? 'the file changed on the server; starting over'
        : 'the connection failed and the server has no ranges; starting over';
    case 'unverified-resume':
      return 'warning: the server sends no ETag or Last-Modified; resuming after checking the size only';
    case 'single-stream':
      return `using one connection: ${notice.reason}`;
    case 'connections-lowered':
      return notice.status === 0
        ? `the server refused a connection: using ${notice.connections} connection(s)`
        : `server answered ${notice.status}: using ${notice.connections} connection(s)`;
    case 'retrying':
      return `retrying in ${(notice.delayMs / 1000).toFixed(1)} s (attempt ${notice.attempt}): ${notice.error}`;
    default: {
      const exhaustive: never = notice;
      return String(exhaustive);
    }
  }
}

// Exit at once: lingering keep-alive sockets must not hold the finished download up.
process.exit(await main(process.argv.slice(2)));
