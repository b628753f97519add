import { ChecksumMismatchError } from '../engine/errors';
import type { RemoteFile } from '../engine/types';
import { browser } from '../shared/browser-api';
import { collectPieces } from '../store/piece-collect';
import { drain, readPieces, type StreamSeal } from '../store/piece-reader';
import type { JobId, Store } from '../store/schema';

/**
 * The worker's fetch handler side of a save: `chrome-extension://<id>/save/<token>` answers, once, with the
 * job's file streamed from its stored pieces as they arrive (piece-reader.ts), under the job's name, so the
 * browser's download writes the file while the rest is still being fetched. A token is a random UUID known
 * only to the worker and the offscreen document; any other path under save/ answers 404. The answer is always
 * `application/octet-stream` with `nosniff`, whatever the file's own type: a download to be written as it is,
 * never a document the browser might render in the frame that opened it.
 */
const PATH = '/save/';

export function isSaveUrl(url: string): boolean {
  return url.startsWith(browser.runtime.getURL(PATH.slice(1)));
}

interface Opened {
  jobId: JobId;
  remote: RemoteFile;
}

export class SaveStreams {
  private readonly opened = new Map<string, Opened>();
  /** Tokens whose stream this worker ended with an error (the pieces stopped being the file). */
  private readonly failed = new Set<string>();
  /** Tokens being collected into a Blob (`collect`): closing the URL aborts the collection and its hash. */
  private readonly collecting = new Map<string, AbortController>();
  /** Tokens whose Blob was handed over before its hash was done (nothing expected to refuse it): the hash. */
  private readonly hashing = new Map<string, Promise<void>>();

  /** `seal`: each stream's hash and the check its last bytes wait for (file-check.ts). */
  constructor(
    private readonly db: Store,
    private readonly seal?: (jobId: JobId) => Promise<StreamSeal>,
  ) {}

  /** A new URL that streams `remote` of the job. */
  create(jobId: JobId, remote: RemoteFile): string {
    if (remote.size === null) throw new TypeError('a save stream needs a known size');
    const token = crypto.randomUUID();
    this.opened.set(token, { jobId, remote });
    return browser.runtime.getURL(`save/${token}`);
  }

  /** Forgets a URL: not yet requested, a late request answers 404 and starts no download. */
  close(url: string): void {
    const token = tokenOf(url);
    this.opened.delete(token);
    this.failed.delete(token);
    this.collecting.get(token)?.abort();
    this.collecting.delete(token);
    this.hashing.delete(token);
  }

  /** Whether the stream of `url` was ended by this worker with an error (not by the browser or its user). */
  failedHere(url: string): boolean {
    return this.failed.has(tokenOf(url));
  }

  respond(request: Request): Response {
    const token = tokenOf(request.url);
    const opened = this.opened.get(token);
    if (request.method !== 'GET' || !opened) return new Response('no such save', { status: 404 });
    this.opened.delete(token); // served once: a second request (a resumed download) would start over
    const { jobId, remote } = opened;
    return new Response(
      readPieces(this.db, jobId, remote, () => this.failed.add(token), this.seal?.(jobId)),
      {
        headers: {
          'content-type': 'application/octet-stream',
          'x-content-type-options': 'nosniff',
          'content-length': String(remote.size),
          'content-disposition': `attachment; filename*=UTF-8''${encodeExtValue(remote.filename)}`,
          'cache-control': 'no-store',
        },
      },
    );
  }

  /**
   * The file of a save URL as one Blob of its stored pieces, with its name: for a browser whose saves cannot
   * stream (Firefox, src/platform/blob-saves.ts). Served once, like `respond`. It follows the pieces as they
   * arrive while a second reader hashes them, and resolves once the last piece is stored; when a hash is
   * expected (the user's, the server's digest) only after the hash has passed, so a wrong file is never
   * handed over. Otherwise the hash may still be running: `judged` waits for it. Closing the URL aborts both.
   */
  async collect(url: string): Promise<{ blob: Blob; filename: string }> {
    const token = tokenOf(url);
    const opened = this.opened.get(token);
    if (!opened) throw new Error('no such save');
    this.opened.delete(token);
    const { jobId, remote } = opened;
    const aborter = new AbortController();
    this.collecting.set(token, aborter);
    const sealing = this.seal?.(jobId);
    const hashed = sealing
      ? drain(readPieces(this.db, jobId, remote, undefined, sealing), aborter.signal)
      : Promise.resolve();
    hashed.catch(() => {}); // awaited below or by `judged`
    try {
      const blob = await collectPieces(this.db, jobId, remote, aborter.signal);
      const seal = await sealing;
      if (seal && ((await seal.binding?.()) ?? true)) await hashed;
      else this.hashing.set(token, hashed);
      return { blob, filename: remote.filename };
    } catch (error) {
      if (!aborter.signal.aborted) this.failed.add(token);
      aborter.abort();
      throw error;
    } finally {
      if (this.collecting.get(token) === aborter) this.collecting.delete(token);
    }
  }

  /**
   * Whether the file `collect` handed over for `url` is not refused by its hash, once that hash is done (at
   * once when there is none still running). false: the hash check failed the job (an expected hash set
   * meanwhile); the file must not keep its name.
   */
  async judged(url: string): Promise<boolean> {
    const token = tokenOf(url);
    const hashed = this.hashing.get(token);
    if (!hashed) return true;
    try {
      await hashed;
      return true;
    } catch (error) {
      return !(error instanceof ChecksumMismatchError);
    } finally {
      this.hashing.delete(token);
    }
  }
}

function tokenOf(url: string): string {
  const { pathname } = new URL(url);
  return pathname.startsWith(PATH) ? pathname.slice(PATH.length) : '';
}

/** RFC 8187 ext-value characters: everything but attr-char is percent-encoded from UTF-8. */
export function encodeExtValue(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
