import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accel, fileSha256 } from '../helpers/accel-cli';
import { makeCertificate, startTlsServer, type TlsServer } from '../helpers/tls-server';

let dir = '';
let certDir = '';
let server: TlsServer | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'accel-tls-'));
  certDir = await mkdtemp(join(tmpdir(), 'accel-cert-'));
});
afterEach(async () => {
  await server?.close();
  server = null;
  await rm(dir, { recursive: true, force: true });
  await rm(certDir, { recursive: true, force: true });
});

const body = randomBytes(256 * 1024);

describe('accel and a TLS certificate Node does not trust', () => {
  it('fails at once on a self-signed certificate, names NODE_EXTRA_CA_CERTS, and works once it is given', async () => {
    const files = makeCertificate(certDir);
    server = await startTlsServer(files, body);
    const run = await accel([server.url, '-o', 'f.bin'], dir).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("the server's TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(run.stderr).toContain(
      'If you trust the server, give Node its CA certificate: NODE_EXTRA_CA_CERTS=/path/to/ca.pem accel ...',
    );
    expect(run.stderr).not.toContain('out of date');
    expect(run.stderr).not.toContain('retrying');
    expect(server.connections).toBe(1);
    expect(await readdir(dir)).toEqual([]);

    const trusted = await accel([server.url, '-o', 'f.bin'], dir, { NODE_EXTRA_CA_CERTS: files.cert }).done;
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(await fileSha256(join(dir, 'f.bin'))).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('fails at once on an expired certificate, even one trusted, and says a trusted CA will not help', async () => {
    const files = makeCertificate(certDir, { expired: true });
    server = await startTlsServer(files, body);
    const run = await accel([server.url, '-o', 'f.bin', '--max-tries', '4'], dir, {
      NODE_EXTRA_CA_CERTS: files.cert,
    }).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('(CERT_HAS_EXPIRED');
    expect(run.stderr).toContain(
      "the server's certificate is out of date (or this machine's clock is wrong). Trusting its certificate " +
        'authority (NODE_EXTRA_CA_CERTS) will not help',
    );
    expect(run.stderr).not.toContain('give Node its CA certificate');
    expect(run.stderr).not.toContain('retrying');
    expect(server.connections).toBe(1);
    expect(server.requests).toBe(0);
  });

  it('fails at once on a certificate for another host, even one trusted, and says a trusted CA will not help', async () => {
    const files = makeCertificate(certDir, { altName: 'DNS:files.example' });
    server = await startTlsServer(files, body);
    const run = await accel([server.url, '-o', 'f.bin', '--max-tries', '4'], dir, {
      NODE_EXTRA_CA_CERTS: files.cert,
    }).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('(ERR_TLS_CERT_ALTNAME_INVALID');
    expect(run.stderr).toContain("the server's certificate is for another host name than the URL's");
    expect(run.stderr).not.toContain('give Node its CA certificate');
    expect(run.stderr).not.toContain('retrying');
    expect(server.requests).toBe(0);
  });
});
