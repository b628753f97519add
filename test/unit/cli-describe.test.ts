import { describe, expect, it } from 'vitest';
import { failureHint } from '../../src/cli/describe';
import { ChecksumMismatchError, NetworkError, TlsCertificateError } from '../../src/engine/errors';

const OUT_OF_DATE = "the server's certificate is out of date (or this machine's clock is wrong)";
const TRUST_CA = 'If you trust the server, give Node its CA certificate: NODE_EXTRA_CA_CERTS=';

describe('the CLI hint for a refused TLS certificate', () => {
  it.each([
    'CERT_HAS_EXPIRED: certificate has expired',
    'CERT_NOT_YET_VALID: certificate is not yet valid',
    'CERT_HAS_EXPIRED',
  ])(
    'says a certificate outside its dates is out of date, and that trusting its CA will not help (%s)',
    (reason) => {
      const hint = failureHint(new TlsCertificateError('https://x.test/f', reason, null));
      expect(hint).toContain(OUT_OF_DATE);
      expect(hint).toContain('(NODE_EXTRA_CA_CERTS) will not help');
      expect(hint).not.toContain(TRUST_CA);
    },
  );

  it.each([
    "ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match certificate's altnames",
    'HOSTNAME_MISMATCH',
  ])(
    'says a certificate for another host name is that, and that trusting its CA will not help (%s)',
    (reason) => {
      const hint = failureHint(new TlsCertificateError('https://x.test/f', reason, null));
      expect(hint).toContain("the server's certificate is for another host name than the URL's");
      expect(hint).toContain('(NODE_EXTRA_CA_CERTS) will not help');
      expect(hint).not.toContain(TRUST_CA);
    },
  );

  it.each([
    'DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate',
    'SELF_SIGNED_CERT_IN_CHAIN: self-signed certificate in certificate chain',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY: unable to get local issuer certificate',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate',
  ])('names NODE_EXTRA_CA_CERTS for a certificate from an authority Node does not know (%s)', (reason) => {
    const hint = failureHint(new TlsCertificateError('https://x.test/f', reason, null));
    expect(hint).toContain(TRUST_CA);
    expect(hint).not.toContain('out of date');
  });

  it('has nothing to add to a network failure, and keeps the other hints', () => {
    expect(failureHint(new NetworkError('https://x.test/f', new Error('ECONNRESET')))).toBeNull();
    expect(failureHint(new Error('plain'))).toBeNull();
    expect(failureHint(undefined)).toBeNull();
    expect(failureHint({ code: 'LINK_EXPIRED' })).toContain('run the same command again to resume');
    expect(failureHint(new ChecksumMismatchError('a'.repeat(64), 'b'.repeat(64), 'user'))).toContain(
      'the downloaded file was deleted',
    );
  });
});
