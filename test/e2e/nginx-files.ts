/**
 * A real nginx for the browser benchmark's unthrottled rows: files from one directory, over plain HTTP/1.1 and
 * over TLS with HTTP/2 (a self-signed certificate made with openssl, which only a Chromium started with
 * `--ignore-certificate-errors` accepts). Debian's nginx-light has both modules; bench/nginx.ts is the CLI
 * benchmark's nginx, with per-connection rates.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exists, freePort } from '../../bench/nginx';
import type { FileSource } from '../server/index';

const PIECE = 4 * 1024 * 1024;

/** One request as nginx logged it once it ended: status, Range header ("-" logged as null), body bytes sent. */
export interface NginxRequest {
  status: number;
  range: string | null;
  bytesSent: number;
}

export interface NginxFiles {
  /** `http://127.0.0.1:PORT` (HTTP/1.1) and, with TLS, `https://127.0.0.1:PORT` (HTTP/2 over TLS). */
  http: string;
  https: string | null;
  /** The requests that have ended, in the order nginx logged them. */
  requests(): Promise<NginxRequest[]>;
  /** Writes `source` as `www/name`, readable by nginx's workers. */
  put(name: string, source: FileSource): Promise<void>;
  remove(name: string): Promise<void>;
  close(): Promise<void>;
}

export function nginxInstalled(): boolean {
  return spawnSync('nginx', ['-v']).status === 0 && spawnSync('openssl', ['version']).status === 0;
}

/** nginx serving files; `tls` (default true) adds the HTTP/2 port, with a certificate made by openssl. */
export async function startNginxFiles({ tls = true }: { tls?: boolean } = {}): Promise<NginxFiles> {
  const prefix = await mkdtemp(join(tmpdir(), 'accel-nginx-'));
  const www = join(prefix, 'www');
  await mkdir(www);
  await mkdir(join(prefix, 'temp'));
  // nginx started as root serves from unprivileged workers: they must reach the files.
  for (const path of [prefix, www]) await chmod(path, 0o755);
  if (tls) {
    const cert = spawnSync('openssl', [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
      ...['-keyout', join(prefix, 'key.pem'), '-out', join(prefix, 'cert.pem')],
    ]);
    if (cert.status !== 0) throw new Error(`openssl: ${cert.stderr.toString().trim()}`);
  }
  const httpPort = await freePort();
  const httpsPort = tls ? await freePort() : null;
  const conf = join(prefix, 'nginx.conf');
  await writeFile(conf, config(prefix, httpPort, httpsPort));
  const errorLog = join(prefix, 'error.log');
  const child: ChildProcess = spawn('nginx', ['-p', `${prefix}/`, '-c', conf, '-e', errorLog], {
    stdio: 'ignore',
  });
  const exited = once(child, 'exit');
  const started = performance.now();
  while (!(await exists(join(prefix, 'nginx.pid')))) {
    if (child.exitCode !== null || performance.now() - started > 5000) {
      child.kill('SIGTERM');
      throw new Error(`nginx did not start: ${(await readFile(errorLog, 'utf8').catch(() => '')).trim()}`);
    }
    await sleep(20);
  }
  return {
    http: `http://127.0.0.1:${httpPort}`,
    https: httpsPort === null ? null : `https://127.0.0.1:${httpsPort}`,
    async requests() {
      const text = await readFile(join(prefix, 'access.log'), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => {
          const [status, range, bytes] = line.split(' ');
          return {
            status: Number(status),
            range: range === '-' ? null : (range ?? null),
            bytesSent: Number(bytes),
          };
        });
    },
    async put(name, source) {
      function* pieces() {
        for (let offset = 0; offset < source.size; offset += PIECE)
          yield source.slice(offset, Math.min(offset + PIECE, source.size));
      }
      await writeFile(join(www, name), pieces(), { mode: 0o644 });
    },
    remove: (name) => rm(join(www, name), { force: true }),
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

function config(prefix: string, httpPort: number, httpsPort: number | null): string {
  const secure =
    httpsPort === null
      ? ''
      : `        listen 127.0.0.1:${httpsPort} ssl http2;
        ssl_certificate ${prefix}/cert.pem;
        ssl_certificate_key ${prefix}/key.pem;
`;
  return `worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
events { worker_connections 1024; }
http {
    log_format files '$status $http_range $body_bytes_sent';
    access_log ${prefix}/access.log files;
    client_body_temp_path ${prefix}/temp/body;
    proxy_temp_path ${prefix}/temp/proxy;
    fastcgi_temp_path ${prefix}/temp/fastcgi;
    uwsgi_temp_path ${prefix}/temp/uwsgi;
    scgi_temp_path ${prefix}/temp/scgi;
    sendfile on;
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:${httpPort};
${secure}        root ${prefix}/www;
    }
}
`;
}
