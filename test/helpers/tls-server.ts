import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A self-signed certificate for 127.0.0.1 made with Debian's openssl, valid now or long expired, and an HTTPS
 * server on loopback that serves one file (200, no ranges) and counts the TCP connections it accepts.
 */
/** `altName`: the host the certificate is for (another one than 127.0.0.1 makes it one for the wrong host). */
export function makeCertificate(
  dir: string,
  { expired = false, altName = 'IP:127.0.0.1' } = {},
): { cert: string; key: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const run = (args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  if (!expired) {
    run(
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2'].concat([
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        `subjectAltName=${altName}`,
      ]),
    );
    return { cert, key };
  }
  // `openssl req` sets no past dates in OpenSSL 3.0; `openssl ca -selfsign` does.
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', 'r.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    '[ca]\ndefault_ca = c\n[c]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\n' +
      'policy = p\nunique_subject = no\n[p]\ncommonName = supplied\n',
  );
  run(
    ['ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', key, '-in', 'r.csr', '-out', cert].concat([
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20200201000000Z',
      '-extfile',
      'ext.cnf',
    ]),
  );
  return { cert, key };
}

export interface TlsServer {
  url: string;
  /** TCP connections accepted (a refused handshake counts: it is an attempt). */
  readonly connections: number;
  /** Requests answered (none when every handshake failed). */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startTlsServer(files: { cert: string; key: string }, body: Buffer): Promise<TlsServer> {
  let connections = 0;
  let requests = 0;
  const server: Server = createServer(
    { cert: readFileSync(files.cert), key: readFileSync(files.key) },
    (_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      res.end(body);
    },
  );
  server.on('connection', () => connections++);
  server.on('tlsClientError', () => {}); // the client refusing our certificate is the point
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/file.bin`,
    get connections() {
      return connections;
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
