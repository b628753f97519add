import type { JobState } from './job-state';

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
