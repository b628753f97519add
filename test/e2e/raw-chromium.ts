import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CHROMIUM, chromiumArgs, createProfile, EXTENSION_ORIGIN } from './browser';

/**
 * Chromium with the extension and no debugger on its worker (docs/platform.md fact 2): Playwright attaches to
 * every service worker, which keeps it alive and hides fact 1. Here the test speaks raw CDP over
 * --remote-debugging-pipe to the browser target only (open a tab, list or close targets) and never attaches
 * to the worker. Downloads land where the profile's Preferences say; nothing hijacks chrome.downloads.
 */
export interface RawBrowser {
  downloadDir: string;
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Target id of the extension's service worker, once it runs. */
  workerTarget(): Promise<string | null>;
  close(): Promise<void>;
}

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
}

export async function launchRawBrowser(): Promise<RawBrowser> {
  const root = await createProfile();
  const child: ChildProcess = spawn(
    CHROMIUM,
    [...chromiumArgs(), '--remote-debugging-pipe', `--user-data-dir=${join(root, 'profile')}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  const waiting = new Map<
    number,
    { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }
  >();
  let nextId = 1;
  let buffered = '';
  // Messages are JSON, each ended by a NUL byte.
  fromBrowser.on('data', (data: Buffer) => {
    buffered += data.toString('utf8');
    for (let end = buffered.indexOf('\0'); end >= 0; end = buffered.indexOf('\0')) {
      const message = JSON.parse(buffered.slice(0, end)) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string };
      };
      buffered = buffered.slice(end + 1);
      const pending = message.id === undefined ? undefined : waiting.get(message.id);
      if (!pending || message.id === undefined) continue;
      waiting.delete(message.id);
      if (message.error) pending.reject(new Error(message.error.message));
      else pending.resolve(message.result ?? {});
    }
  });
  const send: RawBrowser['send'] = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      toBrowser.write(`${JSON.stringify({ id, method, params })}\0`);
    });
  const workerTarget = async () => {
    const { targetInfos } = (await send('Target.getTargets')) as { targetInfos: TargetInfo[] };
    return (
      targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(EXTENSION_ORIGIN))?.targetId ??
      null
    );
  };
  return {
    downloadDir: join(root, 'downloads'),
    send,
    workerTarget,
    async close() {
      await Promise.race([send('Browser.close').catch(() => {}), new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(root, { recursive: true, force: true }).catch(() => {});
    },
  };
}
