/**
 * The service worker: wiring only. Every listener is registered synchronously at the top level, so events
 * that wake the worker reach it; each then waits for the store and the job manager.
 */

import { platform } from '../platform/current';
import { startTestReport } from '../platform/test-report';
import { browser } from '../shared/browser-api';
import type { SkipNote } from '../shared/job-view';
import { listen } from '../shared/messenger';
import { isOwnSender, SNAPSHOT_PORT, WORKER_MESSAGES } from '../shared/protocol';
import { openStore } from '../store/schema';
import { forwardToAria2 } from './aria2/forward';
import { Badge } from './badge';
import { probeFromPage } from './browser-match';
import { ResponseLog } from './browser-responses';
import { handleCommand } from './commands';
import { createMenu, onMenuClicked } from './context-menu';
import { resumeHeld } from './held-downloads';
import { JobManager } from './job-manager';
import { KeepAlive, WAKE_ALARM } from './keep-alive';
import { Notifier } from './notify';
import { findOwnDownload, startOwnDownload } from './own-downloads';
import { isSaveUrl } from './save-streams';
import { getSettings, watchSettings } from './settings-cache';
import { addSkipped } from './skipped';
import { buildSnapshot, SnapshotHub } from './snapshots';
import { takeOver } from './take-over';
import { Traffic } from './traffic';

const keepAlive = new KeepAlive();
const noteSkipped = async (note: SkipNote) => {
  await addSkipped(note);
  hub.changed();
};
const menuAria2 = { settings: getSettings, send: forwardToAria2, note: noteSkipped };
const responses = new ResponseLog();
const traffic = new Traffic();
const applied = getSettings().then((settings) => traffic.apply(settings));
const hub = new SnapshotHub(async () => buildSnapshot(await db, (await services).live));
// The toolbar badge (activity) and, if the user wants them, notifications of finished downloads.
const notifier = new Notifier(async () => (await getSettings()).notifyOnFinish);
const badge = new Badge(
  async () => buildSnapshot(await db, (await services).live),
  (snapshot) => notifier.observe(snapshot.jobs),
);
const db = openStore();
const services = db.then(async (store) => {
  const manager: JobManager = new JobManager(store, {
    settings: getSettings,
    onChange: () => {
      hub.changed();
      badge.changed();
      keepAlive.set(manager.busy);
    },
    browser: { start: startOwnDownload, find: findOwnDownload },
    traffic,
  });
  await applied;
  // Downloads held paused by a take-over decision that died with the previous worker go on in the browser.
  await resumeHeld();
  await manager.restore();
  keepAlive.set(manager.busy);
  badge.changed();
  return manager;
});

// Firefox's end-to-end build only (a no-op elsewhere).
startTestReport(async () => buildSnapshot(await db, (await services).live));

browser.runtime.onInstalled.addListener(createMenu);

// Either event starts a stopped worker, and starting is what resumes its jobs (JobManager.restore): the
// browser's start, and the wake alarm KeepAlive keeps while jobs are active.
browser.runtime.onStartup.addListener(() => void services);
browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === WAKE_ALARM) void services.then((manager) => keepAlive.set(manager.busy));
});

// Save URLs (saver.ts) become the browser's downloads as the browser allows (src/platform/): the file, streamed
// from the stored pieces.
platform.saves.serve({
  respond: async (request) => (await services).saves.respond(request),
  collect: async (url) => (await services).saves.collect(url),
  created: (item) => void services.then((manager) => manager.saves.onCreated(item)),
});

// The validators of the browser's own responses, for the take-over to compare with its probe's: a download's
// headers arrive here just before its onCreated (docs/platform.md, "Taking over a download").
browser.webRequest.onHeadersReceived.addListener(
  (details) => {
    responses.record(details);
    return undefined;
  },
  {
    urls: ['http://*/*', 'https://*/*'],
    types: ['main_frame', 'sub_frame', 'other'],
  },
  ['responseHeaders'],
);

// A save URL's download is the saver's; any other may be taken over (take-over.ts).
browser.downloads.onCreated.addListener(async (created) => {
  if (isSaveUrl(created.url)) return (await services).saves.onCreated(created);
  // Chromium reports the URL after redirects as finalUrl (Firefox's schema has no such field).
  const item = created as typeof created & { finalUrl?: string };
  // Firefox reports totalBytes -1 here: the size its response declared stands in (browser-responses.ts).
  // Only web responses are logged: a blob: or data: download (this add-on's own saves among them) has none to
  // wait for.
  const urls = [item.finalUrl, item.url].filter((u): u is string => !!u && /^https?:/i.test(u));
  const totalBytes = item.totalBytes > 0 ? item.totalBytes : ((await responses.sizeOf(urls, 1_000)) ?? -1);
  await takeOver(
    { ...item, totalBytes },
    {
      settings: getSettings,
      browser: platform.held,
      probe: probeFromPage,
      validators: (url) => responses.find(url),
      adopt: async (link) => (await services).adopt(link),
      add: async (job) => (await services).add(job),
      rename: async (id, name) => (await services).rename(id, name),
      cancel: async (id) => (await services).cancel(id),
      onSkipped: () => hub.changed(),
      aria2: forwardToAria2,
    },
  );
});

browser.downloads.onChanged.addListener(async (delta) => (await services).onDownloadChanged(delta));

browser.contextMenus.onClicked.addListener(async (info, tab) =>
  onMenuClicked(info, tab, await services, menuAria2),
);

// Speed limits apply at once, to jobs under way too; a higher concurrent-downloads setting starts queued jobs.
watchSettings((settings) => {
  traffic.apply(settings);
  void services.then((manager) => manager.pump());
});

listen(WORKER_MESSAGES, (message) =>
  handleCommand(message, {
    manager: () => services,
    snapshot: async () => buildSnapshot(await db, (await services).live),
    hub,
    aria2: menuAria2,
  }),
);

browser.runtime.onConnect.addListener((port) => {
  if (
    port.name !== SNAPSHOT_PORT ||
    !port.sender ||
    !isOwnSender(port.sender, browser.runtime.id, browser.runtime.getURL(''))
  ) {
    port.disconnect();
    return;
  }
  hub.connect(port);
});
