import { createHash } from 'node:crypto';
import { StorageError, TruncatedBodyError } from '../../src/engine/errors';
import { addRange } from '../../src/engine/ranges';
import type { ByteRange, HttpResponse, PieceSink, RemoteFile, SavedState } from '../../src/engine/types';

/**
 * An in-memory sink that checks the engine's contract: writes stay inside the file, never overlap with
 * different bytes, and finish() only comes once every byte is in.
 */
export class MemorySink implements PieceSink {
  readonly preferredWriteBytes: number;
  data = new Uint8Array(0);
  done: ByteRange[] = [];
  remote: RemoteFile | null = null;
  writes: ByteRange[] = [];
  resets = 0;
  finished = false;
  /** Set to make the next write fail (a full disk). */
  failWrites: Error | null = null;

  constructor(
    private saved: SavedState | null = null,
    preferredWriteBytes = 256 * 1024,
  ) {
    this.preferredWriteBytes = preferredWriteBytes;
  }

  async load(): Promise<SavedState | null> {
    return this.saved;
  }

  async begin(remote: RemoteFile, done: readonly ByteRange[]): Promise<void> {
    this.remote = remote;
    if (done.length === 0) {
      this.data = new Uint8Array(remote.size ?? 0);
      this.done = [];
    }
  }

  /** Bytes written again over bytes already stored (with the same values: different ones throw). */
  rewrittenBytes = 0;

  async write(offset: number, chunks: readonly Uint8Array[]): Promise<void> {
    if (this.failWrites) throw this.failWrites;
    let length = 0;
    for (const c of chunks) length += c.byteLength;
    const end = offset + length;
    const size = this.remote?.size ?? null;
    if (size !== null && end > size) throw new Error(`write ${offset}-${end - 1} past the end ${size}`);
    if (end > this.data.length) {
      const grown = new Uint8Array(Math.max(end, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    let at = offset;
    for (const c of chunks) {
      for (const r of this.done) {
        if (r.start < at + c.byteLength && r.end >= at) {
          const from = Math.max(r.start, at);
          const to = Math.min(r.end + 1, at + c.byteLength);
          const old = this.data.subarray(from, to);
          const neu = c.subarray(from - at, to - at);
          if (Buffer.compare(old, neu) !== 0) throw new Error(`conflicting overlapping write at ${from}`);
          this.rewrittenBytes += to - from;
        }
      }
      this.data.set(c, at);
      at += c.byteLength;
    }
    this.writes.push({ start: offset, end: end - 1 });
    this.done = addRange(this.done, { start: offset, end: end - 1 });
  }

  async reset(): Promise<void> {
    this.resets++;
    this.done = [];
    this.data = new Uint8Array(0);
  }

  async finish(): Promise<void> {
    const size = this.remote?.size ?? null;
    if (size !== null) {
      const covered = this.done.reduce((n, r) => n + r.end - r.start + 1, 0);
      if (covered !== size) throw new Error(`finish with ${covered} of ${size} bytes`);
      this.data = this.data.subarray(0, size);
    } else {
      this.data = this.data.subarray(0, this.done.length ? (this.done.at(-1)?.end ?? -1) + 1 : 0);
    }
    this.finished = true;
  }

  sha256(): string {
    return createHash('sha256').update(this.data).digest('hex');
  }

  /** A sink for the "next session": the stored bytes and state, as if the process had stopped here. */
  static resumeFrom(previous: MemorySink): MemorySink {
    const next = new MemorySink(previous.snapshot(), previous.preferredWriteBytes);
    next.remote = previous.remote;
    next.data = previous.data.slice();
    next.done = previous.done.map((r) => ({ ...r }));
    return next;
  }

  /** State for a "next session" sink, as if the process had stopped here. */
  snapshot(): SavedState {
    if (!this.remote) throw new Error('nothing to snapshot');
    return { remote: this.remote, done: this.done.map((r) => ({ ...r })) };
  }
}

/**
 * A MemorySink in piece mode: `writeResponse` reads the whole body through the platform's response object
 * (`raw`, the fetch Response), as the browser's IndexedDB sink does with `blob()`, checks its length and stores
 * it. `write` still serves the probe's first piece; `streamWrites` and `pieces` tell the two paths apart.
 */
export class PieceMemorySink extends MemorySink {
  /** Ranges stored through writeResponse, in completion order. */
  pieces: ByteRange[] = [];
  /** Ranges stored through write (chunks streamed by the engine). */
  streamWrites: ByteRange[] = [];
  /** Ask for pieces front first (the extension's sink, whose save streams the stored prefix). */
  inOrder = false;

  constructor(saved: SavedState | null = null, preferredWriteBytes = 1024 * 1024) {
    super(saved, preferredWriteBytes);
  }

  override async write(offset: number, chunks: readonly Uint8Array[]): Promise<void> {
    await super.write(offset, chunks);
    const written = this.writes.at(-1);
    if (written) this.streamWrites.push(written);
  }

  /** Pieces read whole but not stored because another request delivered them first (an endgame race). */
  declined: ByteRange[] = [];

  async writeResponse(
    offset: number,
    length: number,
    response: HttpResponse,
    commit?: () => boolean,
  ): Promise<boolean> {
    const raw = response.raw as Response;
    const bytes = new Uint8Array(await raw.arrayBuffer());
    if (bytes.byteLength !== length) throw new TruncatedBodyError(response.url, length, bytes.byteLength);
    if (this.failWrites) throw new StorageError(this.failWrites);
    if (commit && !commit()) {
      this.declined.push({ start: offset, end: offset + length - 1 });
      return false;
    }
    await super.write(offset, [bytes]);
    this.pieces.push({ start: offset, end: offset + length - 1 });
    return true;
  }
}
