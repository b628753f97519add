import { createHash } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { download } from '../engine/download';
import { describe } from '../engine/errors';
import type { Sha256 } from '../engine/integrity';
import { RateLimiter } from '../engine/rate-limiter';
import type { Progress } from '../engine/types';
import { createFetcher } from '../net/fetcher';
import { formatBytes } from '../shared/format-bytes';
import { systemClock } from '../shared/system-clock';
import type { DownloadCommand } from './args';
import type { Cookie } from './cookies';
import { describeAdaptations, describeNotice, describeVerdict, failureHint } from './describe';
import { FileSink } from './file-sink';
import { formatProgress } from './format';
import { headersFor } from './request-headers';

const PLAIN_PROGRESS_INTERVAL_MS = 2000;

export interface Output {
  /** A line to stderr (nothing when quiet); `prefix` names the download among several. */
  say(line: string): void;
  /** A failure line: always printed. */
  fail(line: string): void;
  /** The live progress line on a terminal, else a plain line every 2 s; null: none. */
  progress: 'tty' | 'plain' | null;
}

/** One download of the command: 0 saved, 1 failed, 130 interrupted. */
export async function downloadOne(
  url: string,
  command: DownloadCommand,
  jar: readonly Cookie[],
  signal: AbortSignal,
  out: Output,
): Promise<number> {
  const dir = resolve(command.dir ?? '.');
  const outPath =
    command.outPath === null
      ? null
      : isAbsolute(command.outPath)
        ? command.outPath
        : join(dir, command.outPath);
  const sink = new FileSink({ url, outPath, dir, expectedSha256: command.sha256, createSha256: nodeSha256 });
  const { request } = command;
  let lastPlainMs = 0;
  const onProgress = (p: Progress) => {
    if (out.progress === 'tty') process.stderr.write(`\r\x1b[K${formatProgress(p, 24)}`);
    else if (out.progress === 'plain' && Date.now() - lastPlainMs >= PLAIN_PROGRESS_INTERVAL_MS) {
      lastPlainMs = Date.now();
      out.say(formatProgress(p));
    }
  };
  const endLine = () => {
    if (out.progress === 'tty') process.stderr.write('\n');
  };
  try {
    const started = Date.now();
    const result = await download({
      url,
      fetcher: createFetcher(undefined, {
        headersFor: headersFor(request, url, jar, Date.now),
        headersTimeoutMs: request.timeoutMs,
      }),
      clock: systemClock,
      sink,
      maxConnections: command.connections,
      ramp: command.ramp,
      limits: command.limitRate === null ? [] : [new RateLimiter(systemClock, command.limitRate)],
      signal,
      onProgress,
      onNotice: (notice) => out.say(describeNotice(notice)),
      retry: { attempts: command.maxTries },
      readTimeoutMs: request.timeoutMs,
    });
    const seconds = (Date.now() - started) / 1000;
    const size = result.remote.size ?? result.receivedBytes;
    endLine();
    out.say(`saved ${sink.finalPath} (${formatBytes(size, 'fixed')} in ${seconds.toFixed(1)} s)`);
    if (sink.verdict) out.say(describeVerdict(sink.verdict));
    if (command.verbose) {
      const { streamed, readBack, lastWrite } = sink.hashedBytes;
      const tail = lastWrite
        ? `; ${lastWrite.hashedAfter.streamed + lastWrite.hashedAfter.readBack} after the last write ` +
          `(${lastWrite.hashedAfter.readBack} of them read back), which joined ${lastWrite.joined} bytes to the prefix`
        : '';
      out.say(`hashed ${streamed} bytes as written, ${readBack} read back from the file${tail}`);
    }
    out.say(describeAdaptations(result.requests, result.adaptations));
    return 0;
  } catch (error) {
    await sink.close().catch(() => {});
    endLine();
    if (signal.aborted) {
      out.fail('interrupted; run the same command again to resume');
      return 130;
    }
    out.fail(describe(error));
    // Matched by code, as errors are everywhere (a certificate's also by what the TLS library said).
    const hint = failureHint(error);
    if (hint !== null) out.fail(hint);
    return 1;
  }
}

/** The CLI's hash: node:crypto's native SHA-256 (several times hash-wasm's WebAssembly here, README "Checksums"). */
function nodeSha256(): Sha256 {
  const hash = createHash('sha256');
  return { update: (bytes) => hash.update(bytes), digestHex: () => hash.digest('hex') };
}
