import { type FileHandle, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ExpectedHashes, judge, type Sha256, type Verdict } from '../engine/integrity';
import { addRange } from '../engine/ranges';
import type { ByteRange, PieceSink, RemoteFile, SavedState } from '../engine/types';
import { claimUnusedPath, exists, RECORD_VERSION, type ResumeRecord, readRecord } from './part-files';
import { type HashedBytes, PrefixHasher, prefixEnd } from './prefix-hasher';

/** How often the resume record is rewritten while bytes arrive. */
const SAVE_INTERVAL_MS = 1000;

export interface FileSinkOptions {
  url: string;
  /** Explicit output path; otherwise the server's filename in `dir`. */
  outPath: string | null;
  dir: string;
  /** The SHA-256 the file must have (lowercase hex), or null; the server's digest is checked as well. */
  expectedSha256?: string | null;
  /** The hash to use; without one, nothing is hashed. */
  createSha256?: () => Sha256;
}

/**
 * Writes pieces at their offsets into a preallocated `<path>.part`, with a resume record `<path>.part.json`
 * beside it listing the ranges on disk. The record is rewritten only after the bytes it lists were written,
 * so it never claims bytes that are not there. The `.part` becomes `<path>` only when every byte is in.
 */
export class FileSink implements PieceSink {
  readonly preferredWriteBytes = 1024 * 1024;
  private file: FileHandle | null = null;
  private path: string | null = null;
  private remote: RemoteFile | null = null;
  private done: ByteRange[] = [];
  private lastSaveMs = 0;
  private saving: Promise<void> = Promise.resolve();
  private readonly hasher: PrefixHasher | null;
  /** Bytes the write that completed the file joined to its contiguous prefix; null before that write. */
  private joinedByLastWrite: number | null = null;
  /** The file's SHA-256 and what it was held to, once `finish` has hashed it. */
  verdict: Verdict | null = null;

  constructor(private readonly o: FileSinkOptions) {
    const create = o.createSha256;
    this.hasher = create ? new PrefixHasher(create, (offset, length) => this.readAt(offset, length)) : null;
  }

  /**
   * How many bytes were hashed as they were written / read back from the file, and of the write that completed
   * the file: the bytes it joined to the prefix, and what was hashed after it (in the order of the writes). The
   * bytes contiguous before that write were hashed before it, so the two are equal.
   */
  get hashedBytes(): HashedBytes & { lastWrite: { joined: number; hashedAfter: HashedBytes } | null } {
    const hashed = this.hasher?.hashed ?? { streamed: 0, readBack: 0 };
    const after = this.hasher?.hashedSinceMark ?? null;
    const joined = this.joinedByLastWrite;
    return {
      ...hashed,
      lastWrite: joined === null || after === null ? null : { joined, hashedAfter: after },
    };
  }

  /** Where the file is (or will be) once complete; null before the server was asked. */
  get finalPath(): string | null {
    return this.path;
  }

  async load(): Promise<SavedState | null> {
    const record = await this.findRecord();
    if (!record) return null;
    this.path = record.path;
    return { remote: record.remote, done: record.done };
  }

  async begin(remote: RemoteFile, done: readonly ByteRange[]): Promise<void> {
    this.remote = remote;
    this.done = [...done];
    if (this.path === null && this.o.outPath === null) {
      // Claimed with an exclusive create: downloads running side by side (-j) never share a name.
      const claimed = await claimUnusedPath(join(this.o.dir, remote.filename));
      this.path = claimed.path;
      this.file = claimed.file;
    }
    this.path ??= this.o.outPath ?? '';
    const partPath = `${this.path}.part`;
    if (done.length === 0) {
      if (!this.file) this.file = await open(partPath, 'w+');
      else await this.file.truncate(0);
      // Reserve the size up front: a full disk shows now, not at 90 %.
      if (remote.size !== null) await this.file.truncate(remote.size);
    } else {
      this.file ??= await open(partPath, 'r+');
    }
    this.hasher?.reset();
    this.joinedByLastWrite = null;
    // A resumed run hashes the prefix it finds on disk once, in the background.
    if (done.length > 0) this.hasher?.follow(this.done);
    await this.save();
  }

  async write(offset: number, chunks: readonly Uint8Array[]): Promise<void> {
    if (!this.file) throw new Error('write before begin');
    let length = 0;
    for (const chunk of chunks) length += chunk.byteLength;
    await this.file.writev(chunks as Uint8Array[], offset);
    const before = this.done;
    this.done = addRange(before, { start: offset, end: offset + length - 1 });
    const size = this.remote?.size ?? null;
    if (this.hasher && size !== null && this.joinedByLastWrite === null && prefixEnd(this.done, 0) >= size) {
      this.joinedByLastWrite = size - prefixEnd(before, 0);
      this.hasher.mark();
    }
    this.hasher?.written(offset, chunks, this.done);
    const now = Date.now();
    if (now - this.lastSaveMs >= SAVE_INTERVAL_MS) {
      this.lastSaveMs = now;
      // In the background: a sync of the .part must not stall the streams. A failed save only costs a re-fetch.
      this.saving = this.saving.then(() => this.save()).catch(() => {});
    }
  }

  async reset(): Promise<void> {
    this.done = [];
    this.hasher?.reset();
    this.joinedByLastWrite = null;
    await this.file?.truncate(0);
  }

  async finish(): Promise<void> {
    if (!this.path) throw new Error('finish before begin');
    await this.saving;
    if (!this.file) this.file = await open(`${this.path}.part`, 'w+');
    if (this.hasher && this.remote) await this.verify(this.hasher, this.remote);
    await this.file.close();
    this.file = null;
    await rename(`${this.path}.part`, this.path);
    await rm(`${this.path}.part.json`, { force: true });
  }

  /**
   * Holds the whole file to the expected hashes before it gets its name. A wrong file is deleted with its
   * resume record, so neither the output path nor a later run's resume keeps any of its bytes.
   */
  private async verify(hasher: PrefixHasher, remote: RemoteFile): Promise<void> {
    const size = remote.size ?? (this.done.at(-1)?.end ?? -1) + 1;
    const expected: ExpectedHashes = { user: this.o.expectedSha256 ?? null, server: remote.digest ?? null };
    this.verdict = judge(await hasher.digest(size), expected);
    if (!this.verdict.error) return;
    await this.discard();
    throw this.verdict.error;
  }

  /** Deletes the `.part` and its resume record. */
  async discard(): Promise<void> {
    await this.file?.close();
    this.file = null;
    this.remote = null;
    if (!this.path) return;
    await rm(`${this.path}.part`, { force: true });
    await rm(`${this.path}.part.json`, { force: true });
  }

  private async readAt(offset: number, length: number): Promise<Uint8Array> {
    if (!this.file) throw new Error('read before begin');
    const buffer = new Uint8Array(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await this.file.read(buffer, read, length - read, offset + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return read === length ? buffer : buffer.subarray(0, read);
  }

  /** Stops (pause, interrupt, failure): records what is on disk so the next run resumes from there. */
  async close(): Promise<void> {
    await this.saving;
    if (this.file && this.remote) await this.save();
    await this.file?.close();
    this.file = null;
  }

  private async save(): Promise<void> {
    if (!this.path || !this.remote || !this.file) return;
    // The bytes must reach the disk before a record that lists them: list only what was written before the sync.
    const done = this.done;
    await this.file.datasync();
    const record: ResumeRecord = {
      version: RECORD_VERSION,
      path: this.path,
      remote: this.remote,
      done,
    };
    const target = `${this.path}.part.json`;
    await writeFile(`${target}.tmp`, JSON.stringify(record));
    await rename(`${target}.tmp`, target);
  }

  private async findRecord(): Promise<ResumeRecord | null> {
    const candidates = this.o.outPath
      ? [`${this.o.outPath}.part.json`]
      : (await readdir(this.o.dir)).filter((f) => f.endsWith('.part.json')).map((f) => join(this.o.dir, f));
    for (const candidate of candidates) {
      const record = await readRecord(candidate);
      if (record && record.remote.url === this.o.url && (await exists(`${record.path}.part`))) return record;
    }
    return null;
  }
}
