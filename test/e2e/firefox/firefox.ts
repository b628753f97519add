import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/**
 * Debian's Firefox ESR with the built add-on (docs/platform.md, Firefox): puppeteer-core over WebDriver BiDi,
 * headless, downloads to our directory without asking, the unpacked add-on installed as a temporary one.
 */
export const DIST_FIREFOX = resolve(import.meta.dirname, '../../../dist-firefox');
export const FIREFOX = process.env.FIREFOX ?? '/usr/bin/firefox-esr';

export interface TestFirefox {
  browser: Browser;
  page: Page;
  downloadDir: string;
  /** The add-on's id as installed. */
  addonId: string;
  /** Holds the profile and the download directory; pass it to launchFirefox to start the same profile again. */
  root: string;
  /** Quits Firefox, keeping the profile for a relaunch. */
  quit(): Promise<void>;
  /** Quits Firefox and deletes the profile. */
  close(): Promise<void>;
}

/**
 * `dist: null`: Firefox alone, no add-on (the benchmark's baseline). `root`: the profile of an earlier launch, as
 * after a browser restart. A temporary add-on is uninstalled when Firefox quits and installed again here; the
 * profile keeps its storage and its moz-extension UUID meanwhile (the `keep…OnUninstall` prefs), as a permanently
 * installed add-on's are kept across a restart.
 */
export async function launchFirefox({
  dist = DIST_FIREFOX,
  root: reused,
}: {
  dist?: string | null;
  root?: string;
} = {}): Promise<TestFirefox> {
  if (dist !== null && !existsSync(join(dist, 'manifest.json')))
    throw new Error(`no add-on in ${dist}: run npm run build`);
  const root = reused ?? (await mkdtemp(join(tmpdir(), 'accel-firefox-')));
  const downloadDir = join(root, 'downloads');
  await mkdir(downloadDir, { recursive: true });
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: join(root, 'profile'),
    extraPrefsFirefox: {
      'browser.download.dir': downloadDir,
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.alwaysOpenPanel': false,
      'browser.download.start_downloads_in_tmp_dir': false,
      // Loopback only: no updates, telemetry or remote settings while the tests run.
      'app.update.enabled': false,
      'extensions.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'network.http.max-persistent-connections-per-server': 6,
      'extensions.webextensions.keepStorageOnUninstall': true,
      'extensions.webextensions.keepUuidOnUninstall': true,
    },
  });
  const addonId = dist === null ? '' : await browser.installExtension(dist);
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  return {
    browser,
    page,
    downloadDir,
    addonId,
    root,
    async quit() {
      await browser.close().catch(() => {});
    },
    async close() {
      await browser.close().catch(() => {});
      await rm(root, { recursive: true, force: true }).catch(() => {});
    },
  };
}

/** Waits until `name` is in `dir` with `sizeBytes` bytes and no partial (.part) file is left. */
export async function waitForFirefoxFile(
  dir: string,
  name: string,
  sizeBytes: number,
  { timeoutMs = 90_000, pollMs = 50 } = {},
): Promise<string> {
  const path = join(dir, name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const size = await stat(path).then(
      (s) => s.size,
      () => -1,
    );
    if (size === sizeBytes && !(await readdir(dir)).some((f) => f.endsWith('.part'))) return path;
    if (Date.now() > deadline)
      throw new Error(
        `${name} did not land in ${dir} (size ${size}, found: ${(await readdir(dir)).join(', ')})`,
      );
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
