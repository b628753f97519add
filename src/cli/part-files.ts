import { type FileHandle, open, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { SavedState } from '../engine/types';

export const RECORD_VERSION = 1;

/** The resume record `<path>.part.json` beside a `.part`: the ranges on disk and the file they belong to. */
export interface ResumeRecord extends SavedState {
  version: number;
  /** The final path the file gets once complete. */
  path: string;
}

/** The record at `path`, or null when there is none or it does not hold together. */
export async function readRecord(path: string): Promise<ResumeRecord | null> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as ResumeRecord;
    const valid =
      value.version === RECORD_VERSION &&
      typeof value.path === 'string' &&
      typeof value.remote?.url === 'string' &&
      Array.isArray(value.done) &&
      value.done.every(
        (r) => Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end) && r.start <= r.end,
      );
    return valid ? value : null;
  } catch {
    return null;
  }
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * `name.ext`, else `name (1).ext`, ... as browsers do, so a finished download is never overwritten; its `.part`
 * created here, exclusively.
 */
export async function claimUnusedPath(path: string): Promise<{ path: string; file: FileHandle }> {
  const ext = extname(path);
  const stem = basename(path, ext);
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? path : join(dirname(path), `${stem} (${n})${ext}`);
    if (await exists(candidate)) continue;
    try {
      return { path: candidate, file: await open(`${candidate}.part`, 'wx+') };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
  }
}
