import { ResourceChangedError } from './errors';
import { subtractRanges } from './ranges';
import type { ByteRange, RemoteFile, SavedState } from './types';
import { sameResource } from './validators';

/** Piece mode: the probe's first piece. */
const PROBE_PIECE_BYTES = 256 * 1024;

export interface ResumePlan {
  /** Ranges already held, and those still to fetch (empty when the size is not known yet). */
  done: readonly ByteRange[];
  missing: ByteRange[];
  /** What the probe asks for. */
  probe: { start: number; end: number | null };
  /** Every byte is already held: nothing to fetch. */
  complete: boolean;
}

/**
 * What a download starts with, from what the sink held from an earlier session. Resuming probes the first gap
 * only, so no stored byte is fetched again. With whole-response pieces (the browser) the probe asks for a first
 * piece only: a platform that reads responses ahead of the reader would otherwise fetch far past it before its
 * connection is closed.
 */
export function resumePlan(saved: SavedState | null, pieces: boolean): ResumePlan {
  const size = saved?.remote.size ?? null;
  const known = saved !== null && size !== null;
  const done = known ? saved.done : [];
  const missing = known ? subtractRanges({ start: 0, end: size - 1 }, done) : [];
  const start = known ? (missing[0]?.start ?? size) : 0;
  const gapEnd = known ? (missing[0]?.end ?? null) : null;
  const end = pieces ? Math.min(gapEnd ?? Number.POSITIVE_INFINITY, start + PROBE_PIECE_BYTES - 1) : gapEnd;
  return {
    done,
    missing,
    probe: { start, end },
    complete: known && missing.length === 0,
  };
}

/**
 * The stored pieces' file, if the probe shows the same one (else the job restarts from zero: it throws
 * ResourceChangedError). `unverified` is told when only the size could be compared (no validator).
 */
export function resumedRemote(saved: SavedState, probed: RemoteFile, unverified: () => void): RemoteFile {
  const verdict = sameResource(saved.remote, probed);
  if (!verdict.same) throw new ResourceChangedError(saved.remote.url, { kind: 'validator' });
  if (!verdict.verified) unverified();
  return { ...saved.remote, url: probed.url, finalUrl: probed.finalUrl };
}
