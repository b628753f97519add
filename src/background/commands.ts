import type { Snapshot } from '../shared/job-view';
import type { Message } from '../shared/protocol';
import type { JobId } from '../store/schema';
import { MENU_ID, type MenuAria2, onMenuClicked } from './context-menu';
import type { JobManager } from './job-manager';
import { getSettings, saveSettings } from './settings-cache';
import { clearSkipped } from './skipped';
import type { SnapshotHub } from './snapshots';

export interface CommandDeps {
  manager: () => Promise<JobManager>;
  snapshot: () => Promise<Snapshot>;
  hub: SnapshotHub;
  /** Where a link goes when the settings send downloads to aria2 (as the menu's "Download with accelerator"). */
  aria2?: MenuAria2;
}

/** Answers the worker's messages (already checked for sender and payload by `listen`). */
export async function handleCommand(message: Message, deps: CommandDeps): Promise<unknown> {
  switch (message.type) {
    case 'jobs/list':
      return deps.snapshot();
    case 'job/pause':
      return (await deps.manager()).pause(message.jobId as JobId);
    case 'job/resume':
      return (await deps.manager()).resume(message.jobId as JobId);
    case 'job/cancel':
      return (await deps.manager()).cancel(message.jobId as JobId);
    case 'job/retry':
      return (await deps.manager()).retry(message.jobId as JobId);
    case 'job/remove':
      return (await deps.manager()).remove(message.jobId as JobId);
    case 'job/add-link':
      // The same route as the menu's "Download with accelerator": aria2 when the settings say so, else a job.
      return onMenuClicked(
        { menuItemId: MENU_ID, linkUrl: message.url, pageUrl: message.pageUrl },
        undefined,
        await deps.manager(),
        deps.aria2,
        message.sha256 ?? null,
      );
    case 'job/limit':
      await (await deps.manager()).setLimit(message.jobId as JobId, message.bytesPerSecond);
      return null;
    case 'job/expect-sha256':
      await (await deps.manager()).expectSha256(message.jobId as JobId, message.sha256);
      return null;
    case 'skipped/clear':
      await clearSkipped();
      deps.hub.changed();
      return null;
    case 'settings/get':
      return getSettings();
    case 'settings/set':
      return saveSettings(message.settings);
    case 'offscreen/save':
      throw new Error(`${message.type} is for the offscreen document`);
    default: {
      const _exhaustive: never = message;
      return _exhaustive;
    }
  }
}
