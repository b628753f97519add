import type { JobState } from './job-state';
import type { SegmentMap } from './segment-map';

/** What the popup shows for one job: the stored record plus the live numbers of a running download. */
export interface JobView {
  id: string;
  url: string;
  filename: string;
  sizeBytes: number | null;
  doneBytes: number;
  speedBytesPerSecond: number;
  etaMs: number | null;
  /** Connections currently receiving or connecting. */
  connections: number;
  state: JobState;
  note: string | null;
  /** About the file's integrity (changed on the server, identity not verified); kept until a start from zero. */
  warning: string | null;
  /** The saved file's SHA-256 in lowercase hex, hashed as it streamed; null until every byte passed. */
  sha256: string | null;
  /** The SHA-256 the user expects (lowercase hex, set with `job/expect-sha256`), or null. */
  expectedSha256: string | null;
  /** What the file's hash was held to, once known; null while the file is not hashed yet. */
  integrity: IntegrityResult | null;
  /** Why: which hash matched or differed (the user's, the server's Repr-Digest or Digest). */
  integrityNote: string | null;
  /** What is stored and what each connection fetches, for the popup's segment map; null when done or unsized. */
  segments: SegmentMap | null;
  /** How many times one connection's speed the download went, measured as it ran; null: not measured. */
  gain: number | null;
  /** The job's own speed limit from the popup (bytes per second, 0: none); null: the per-download setting. */
  limitBytesPerSecond: number | null;
}

/**
 * `verified`: the file's SHA-256 equals the user's expected hash or the server's digest. `mismatch`: it does
 * not, and no file is kept under its name (the job failed). `unchecked`: hashed, with nothing to compare to.
 */
export type IntegrityResult = 'verified' | 'mismatch' | 'unchecked';

/** A job's integrity as its record keeps it, written when the save stream has hashed the whole file. */
export interface IntegrityRecord {
  /** Lowercase hex. */
  sha256: string;
  result: IntegrityResult;
  note: string | null;
}

/** A download the extension saw and left to the browser, with the reason shown to the user. */
export interface SkipNote {
  url: string;
  reason: string;
  at: number;
}

export interface Snapshot {
  jobs: JobView[];
  skipped: SkipNote[];
}
