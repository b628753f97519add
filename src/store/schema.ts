import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { ByteRange, RemoteFile } from '../engine/types';
import type { JobState } from '../shared/job-state';
import type { IntegrityRecord } from '../shared/job-view';

/** A job's id: a UUID, branded so it cannot be mixed up with other strings. */
export type JobId = string & { readonly __brand: 'JobId' };

export function newJobId(): JobId {
  return crypto.randomUUID() as JobId;
}

export interface JobRecord {
  id: JobId;
  /** Where the job's requests go: the URL the browser (or the first probe) resolved, after redirects. */
  url: string;
  /**
   * The link the download came from, before redirects: a signed URL that expires is renewed from it. Absent in
   * records written before it was kept: read as `url`.
   */
  originalUrl?: string | null;
  /** Page that linked the file; sent as Referer through a declarativeNetRequest session rule. */
  referrer: string | null;
  /** How the job started: taken over from the browser, or from the context menu. */
  origin: 'auto' | 'menu';
  /** Best name known so far: the browser's choice, else the probe's, else one from the URL. */
  filename: string;
  /** The name the browser chose for the download the job took over; the probe's name never replaces it. */
  browserName?: string | null;
  /**
   * Paused because its link expired and no fresh one worked: a new browser download of the same link and size
   * continues this job from its pieces (take-over.ts).
   */
  waitingForLink?: boolean;
  /** Size the browser or the probe reported; null when unknown. */
  sizeBytes: number | null;
  /** One connection's speed as the take-over's probe timed it: the first pieces are sized by it. */
  probedBytesPerSecond?: number;
  createdAt: number;
  state: JobState;
  /** What the probe learned; null until the first probe. */
  remote: RemoteFile | null;
  /** Committed byte ranges, sorted and disjoint: exactly the ranges of the pieces stored for this job. */
  done: ByteRange[];
  /** The latest note worth showing (resumed, retrying, lowered connections); the next note replaces it. */
  note: string | null;
  /**
   * What the user must not miss about the file's integrity (it changed on the server and was restarted, or
   * its identity could not be verified on resume). Notes never replace it; only a start from zero does.
   * Absent in records written before it existed: read as null.
   */
  warning?: string | null;
  /**
   * Set when the job is handed back to the browser: the browser's download id once downloads.download has
   * resolved, and how many times it was called. Absent in records from before it was kept: never handed again.
   */
  handOff?: HandOff;
  /**
   * The blob: URL of the job's save, recorded before downloads.download is asked for it, so a worker that
   * restarts before the download's id is stored finds that download instead of saving the file twice.
   */
  saveUrl?: string | null;
  /** The SHA-256 the user expects of the file (lowercase hex). Absent or null: none. */
  expectedSha256?: string | null;
  /** The file's SHA-256 and what it was held to, once the save has hashed every byte. Absent: not yet. */
  integrity?: IntegrityRecord | null;
}

export interface HandOff {
  downloadId: number | null;
  tries: number;
}

export interface PieceRecord {
  jobId: JobId;
  start: number;
  end: number;
  /** Blob, never ArrayBuffer: Blob parts stay file-backed, so assembling a large file costs no memory. */
  blob: Blob;
}

export interface AcceleratorDB extends DBSchema {
  jobs: { key: JobId; value: JobRecord };
  /** Keyed [jobId, start]: one key range reads a job's pieces in file order. */
  pieces: { key: [JobId, number]; value: PieceRecord };
}

export type Store = IDBPDatabase<AcceleratorDB>;

export const DB_NAME = 'accelerator';
const DB_VERSION = 1;

export function openStore(name = DB_NAME): Promise<Store> {
  return openDB<AcceleratorDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      // Migrations run in order; add `if (oldVersion < 2)` blocks below this one.
      if (oldVersion < 1) {
        db.createObjectStore('jobs', { keyPath: 'id' });
        db.createObjectStore('pieces', { keyPath: ['jobId', 'start'] });
      }
    },
  });
}

/** All keys of one job's pieces. */
export function piecesOf(jobId: JobId): IDBKeyRange {
  return IDBKeyRange.bound([jobId, 0], [jobId, Number.MAX_SAFE_INTEGER]);
}
