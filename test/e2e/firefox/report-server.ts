import { execFile } from 'node:child_process';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { JobView, Snapshot } from '../../../src/shared/job-view';

/**
 * The loopback end of the add-on's test report (src/platform/test-report.ts): the Firefox end-to-end build
 * posts its job snapshots (what the popup is fed) and errors here every 200 ms, and takes a command back.
 */
export interface ReportServer {
  readonly url: string;
  /** The latest snapshot, null before the first. */
  readonly latest: Snapshot | null;
  /** Every error the add-on reported. */
  readonly errors: string[];
  /** How many reports arrived (a restarted background starts reporting again). */
  readonly reports: number;
  /** Sends `command` with the next reply (once). */
  command(command: 'reload'): void;
  /** Waits until a snapshot satisfies `test`; returns it. */
  until(test: (s: Snapshot) => boolean, timeoutMs?: number): Promise<Snapshot>;
  close(): Promise<void>;
}

export async function startReportServer(): Promise<ReportServer> {
  const state = { latest: null as Snapshot | null, errors: [] as string[], reports: 0, next: '' };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      try {
        const report = JSON.parse(body) as { snapshot: Snapshot | null; errors: string[] };
        state.reports++;
        if (report.snapshot) state.latest = report.snapshot;
        state.errors.push(...report.errors);
      } catch {}
      res.writeHead(200, { 'content-type': 'text/plain' }).end(state.next);
      state.next = '';
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get latest() {
      return state.latest;
    },
    get errors() {
      return state.errors;
    },
    get reports() {
      return state.reports;
    },
    command(command) {
      state.next = command;
    },
    async until(test, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (state.latest && test(state.latest)) return state.latest;
        if (Date.now() > deadline)
          throw new Error(`no such snapshot; last: ${JSON.stringify(state.latest)}; errors: ${state.errors}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const ROOT = resolve(import.meta.dirname, '../../..');
let built: Promise<string> | null = null;

/** The Firefox end-to-end build (dist-firefox-test/), made once per test file. */
function buildTestAddon(): Promise<string> {
  built ??= promisify(execFile)(join(ROOT, 'node_modules/.bin/vite'), ['build', '--mode', 'firefox-test'], {
    cwd: ROOT,
  }).then(() => join(ROOT, 'dist-firefox-test'));
  return built;
}

/** A copy of the test build that reports to `report` (its test-report.json), ready to install. */
export async function reportingAddon(report: ReportServer): Promise<string> {
  const dist = await buildTestAddon();
  const dir = await mkdtemp(join(tmpdir(), 'accel-addon-'));
  await cp(dist, dir, { recursive: true });
  await writeFile(join(dir, 'test-report.json'), JSON.stringify({ url: report.url }));
  return dir;
}

export function jobNamed(snapshot: Snapshot, filename: string): JobView | undefined {
  return snapshot.jobs.find((j) => j.filename === filename);
}
