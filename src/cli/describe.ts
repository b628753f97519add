import type { Verdict } from '../engine/integrity';
import type { Adaptations, DownloadNotice } from '../engine/types';
import { formatBytes } from '../shared/format-bytes';

/** The CLI's lines about a download: notices, what the scheduler did, the file's hash, what a failure means. */

export function describeVerdict(verdict: Verdict): string {
  return verdict.result === 'verified'
    ? `sha256 ${verdict.sha256}: ${verdict.note}`
    : `sha256 ${verdict.sha256} (nothing to check it against)`;
}

export function describeAdaptations(requests: number, a: Adaptations): string {
  const parts = [`${requests} requests`, `up to ${a.peakConnections} connections`];
  if (a.racesWon + a.racesLost > 0) parts.push(`endgame races won ${a.racesWon}, lost ${a.racesLost}`);
  if (a.stragglerRestarts > 0) parts.push(`${a.stragglerRestarts} slow connection(s) restarted`);
  return parts.join(', ');
}

/** What to do about a failure, by its code (errors are matched by code everywhere); null: nothing to add. */
export function failureHint(code: unknown): string | null {
  switch (code) {
    case 'CHECKSUM_MISMATCH':
      return 'the downloaded file was deleted; nothing of it is kept';
    case 'LINK_EXPIRED':
      return 'what was downloaded is kept; run the same command again to resume';
    case 'TLS_CERTIFICATE':
      return (
        'not retried: the certificate will not change. If you trust the server, give Node its CA certificate: ' +
        'NODE_EXTRA_CA_CERTS=/path/to/ca.pem accel ...'
      );
    default:
      return null;
  }
}

export function describeNotice(notice: DownloadNotice): string {
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
