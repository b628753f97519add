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
  if (a.freshRequests > 0) parts.push(`${a.freshRequests} fresh requests (the server bursts each response)`);
  return parts.join(', ');
}

/** Certificate codes that say the certificate is outside its validity dates (OpenSSL's, as Node reports them). */
const OUT_OF_DATE = /^(CERT_HAS_EXPIRED|CERT_NOT_YET_VALID)\b/;
/** Codes that say the certificate is for other host names than the URL's (Node's, and OpenSSL's). */
const WRONG_HOST = /^(ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH)\b/;

/**
 * What to do about a failure, by its code (errors are matched by code everywhere) and what it states (`detail`);
 * null: nothing to add.
 */
export function failureHint(error: unknown): string | null {
  const { code, detail } = (error ?? {}) as { code?: unknown; detail?: { kind?: unknown; reason?: unknown } };
  switch (code) {
    case 'CHECKSUM_MISMATCH':
      return 'the downloaded file was deleted; nothing of it is kept';
    case 'LINK_EXPIRED':
      return 'what was downloaded is kept; run the same command again to resume';
    case 'TLS_CERTIFICATE': {
      const reason = detail?.kind === 'tls' && typeof detail.reason === 'string' ? detail.reason : '';
      if (OUT_OF_DATE.test(reason)) {
        return (
          "not retried: the server's certificate is out of date (or this machine's clock is wrong). Trusting " +
          'its certificate authority (NODE_EXTRA_CA_CERTS) will not help: the server needs a current certificate'
        );
      }
      if (WRONG_HOST.test(reason)) {
        return (
          "not retried: the server's certificate is for another host name than the URL's. Trusting its " +
          'certificate authority (NODE_EXTRA_CA_CERTS) will not help: use a URL with a host name it names'
        );
      }
      return (
        'not retried: the certificate will not change. If you trust the server, give Node its CA certificate: ' +
        'NODE_EXTRA_CA_CERTS=/path/to/ca.pem accel ...'
      );
    }
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
