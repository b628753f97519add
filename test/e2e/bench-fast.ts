/**
 * The browser benchmark's unthrottled rows: a real nginx (nginx-files.ts) over HTTP/1.1 and over TLS with
 * HTTP/2, the browser alone and with the extension taking over, turn about in one browser so both see the same
 * machine. Chromium trusts the self-signed certificate only here (`--ignore-certificate-errors`).
 */
import { rm } from 'node:fs/promises';
import { patternSource } from '../server/index';
import type { FastCase } from './bench-rows';
import { launchBrowser, type TestBrowser, waitForFile } from './browser';
import { changeSettings, clearSkipped, listSnapshot } from './extension';
import { startNginxFiles } from './nginx-files';
import { createPageServer, linkPage, type PageServer } from './pages';

const MIB = 1024 * 1024;
const NAME = 'fast.bin';

export async function fastCases(sizesMiB: number[], runs: number): Promise<FastCase[]> {
  const nginx = await startNginxFiles();
  const browser = await launchBrowser({ extraArgs: ['--ignore-certificate-errors'] });
  const pages = await createPageServer();
  await new Promise((r) => setTimeout(r, 4000)); // a browser just launched is still starting up
  const cases: FastCase[] = [];
  try {
    for (const sizeMiB of sizesMiB) {
      await nginx.put(NAME, patternSource(sizeMiB * MIB, sizeMiB + 7));
      const servers: [string, string][] = [['HTTP/1.1', nginx.http]];
      if (nginx.https) servers.push(['TLS + HTTP/2', nginx.https]);
      for (const [server, origin] of servers) {
        const row: FastCase = { server, sizeMiB, alone: [], extension: [], outcome: '' };
        const outcomes = new Map<string, number>();
        for (let i = 0; i < runs; i++) {
          await changeSettings(browser, { autoCapture: false });
          row.alone.push(await clickToFile(browser, pages, `${origin}/${NAME}`, sizeMiB));
          await changeSettings(browser, { autoCapture: true, thresholdBytes: 16 * MIB });
          await clearSkipped(browser);
          row.extension.push(await clickToFile(browser, pages, `${origin}/${NAME}`, sizeMiB));
          const what = await outcome(browser, `${origin}/${NAME}`);
          outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
        }
        row.outcome = [...outcomes].map(([what, n]) => `${what} (${n} of ${runs})`).join('; ');
        cases.push(row);
      }
      await nginx.remove(NAME);
    }
  } finally {
    await Promise.all([browser.close(), pages.close(), nginx.close()]);
  }
  return cases;
}

async function clickToFile(
  browser: TestBrowser,
  pages: PageServer,
  url: string,
  sizeMiB: number,
): Promise<number> {
  pages.html = linkPage(url);
  await browser.page.goto(pages.origin);
  await new Promise((r) => setTimeout(r, 500));
  const started = performance.now();
  await browser.page.click('#file');
  const path = await waitForFile(browser.downloadDir, NAME, sizeMiB * MIB, {
    timeoutMs: 300_000,
    pollMs: 5,
  });
  const seconds = (performance.now() - started) / 1000;
  await rm(path);
  return seconds;
}

/** What the extension did with the last download of `url`: its note, or that a job took it. */
async function outcome(browser: TestBrowser, url: string): Promise<string> {
  const snapshot = await listSnapshot(browser);
  const note = snapshot.skipped.find((n) => n.url === url);
  if (note) return `left to the browser: ${note.reason.replace(/\(\d+ MiB\/s\)/, '(…)')}`;
  return snapshot.jobs.some((j) => j.url === url) ? 'taken over' : 'not seen';
}
