import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';

/**
 * Real Chromium with the built extension (docs/platform.md fact 10): Debian's /usr/bin/chromium,
 * headless=new, a fresh profile whose Preferences send downloads to our directory, and CDP
 * Browser.setDownloadBehavior 'default' so Playwright's own download handling does not hijack
 * chrome.downloads.
 */
export const DIST = resolve(import.meta.dirname, '../../dist');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Fixed by the manifest's "key". */
export const EXTENSION_ID = 'fakemiedkhlmlmmbccllciacifpncpfc';
export const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;

export interface TestBrowser {
  context: BrowserContext;
  worker: Worker;
  downloadDir: string;
  profileDir: string;
  /** A tab for web pages. */
  page: Page;
  /** Holds the profile and the download directory; pass it to launchBrowser to start the same profile again. */
  root: string;
  /** Closes the browser the way a user does, keeping the profile for a relaunch. */
  quit(): Promise<void>;
  /** Closes the browser and deletes the profile. */
  close(): Promise<void>;
}

/** A fresh profile, or (given `root`) the profile of an earlier launch, as after a browser restart. */
export async function launchBrowser({
  root,
  extraArgs = [],
}: {
  root?: string;
  /** More Chromium flags (the benchmark's `--ignore-certificate-errors` for its self-signed nginx). */
  extraArgs?: string[];
} = {}): Promise<TestBrowser> {
  if (!existsSync(join(DIST, 'manifest.json'))) throw new Error(`no extension in ${DIST}: run npm run build`);
  root ??= await createProfile();
  const profileDir = join(root, 'profile');
  const downloadDir = join(root, 'downloads');
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: false,
    ignoreDefaultArgs: ['--disable-extensions'],
    acceptDownloads: true,
    args: [...chromiumArgs(), ...extraArgs],
  });
  const worker =
    context.serviceWorkers().find((w) => w.url().startsWith(EXTENSION_ORIGIN)) ??
    (await context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith(EXTENSION_ORIGIN) }));
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'default' });
  return {
    context,
    worker,
    downloadDir,
    profileDir,
    page,
    root,
    async quit() {
      await context.close().catch(() => {});
    },
    async close() {
      await context.close().catch(() => {});
      await rm(root, { recursive: true, force: true }).catch(() => {});
    },
  };
}

/** A profile whose Preferences send downloads to `ROOT/downloads` without asking. */
export async function createProfile(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'accel-e2e-'));
  const downloadDir = join(root, 'downloads');
  await mkdir(join(root, 'profile', 'Default'), { recursive: true });
  await mkdir(downloadDir);
  await writeFile(
    join(root, 'profile', 'Default', 'Preferences'),
    JSON.stringify({
      download: { default_directory: downloadDir, prompt_for_download: false, directory_upgrade: true },
      savefile: { default_directory: downloadDir },
    }),
  );
  return root;
}

/** Chromium's flags for every end-to-end launch (docs/platform.md fact 10). */
export function chromiumArgs(): string[] {
  return [
    '--headless=new',
    `--disable-extensions-except=${DIST}`,
    `--load-extension=${DIST}`,
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
}

/** Waits until `name` exists in `dir` with `sizeBytes` bytes and no partial (.crdownload) file is left. */
export async function waitForFile(
  dir: string,
  name: string,
  sizeBytes: number,
  { timeoutMs = 60_000, pollMs = 50 } = {},
): Promise<string> {
  const path = join(dir, name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const size = await stat(path).then(
      (s) => s.size,
      () => -1,
    );
    if (size === sizeBytes) {
      const partial = (await readdir(dir)).some((f) => f.endsWith('.crdownload'));
      if (!partial) return path;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${name} did not land in ${dir} (size ${size}, found: ${(await readdir(dir)).join(', ')})`,
      );
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Files in the download directory, partial ones included. */
export function listDownloads(dir: string): Promise<string[]> {
  return readdir(dir);
}

/** Sends one protocol message from an extension page (the options page, opened once per browser). */
export async function sendFromExtensionPage(browser: TestBrowser, message: unknown): Promise<unknown> {
  const url = `${EXTENSION_ORIGIN}/src/options/options.html`;
  const page = browser.context.pages().find((p) => p.url() === url) ?? (await openPage(browser, url));
  return page.evaluate((m) => chrome.runtime.sendMessage(m), message);
}

async function openPage(browser: TestBrowser, url: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(url);
  return page;
}
