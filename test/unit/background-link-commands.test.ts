import { describe, expect, it } from 'vitest';
import { handleCommand } from '../../src/background/commands';
import { MENU_ID, onMenuClicked } from '../../src/background/context-menu';
import type { JobManager } from '../../src/background/job-manager';
import type { NewJob } from '../../src/background/job-records';
import type { SnapshotHub } from '../../src/background/snapshots';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';

/** A job manager that records what it is asked to add. */
function recordingManager(): { added: NewJob[]; manager: JobManager } {
  const added: NewJob[] = [];
  const manager = {
    add: async (job: NewJob) => {
      added.push(job);
      return `job-${added.length}`;
    },
  } as unknown as JobManager;
  return { added, manager };
}

function deps(manager: JobManager) {
  return {
    manager: async () => manager,
    snapshot: async () => ({ jobs: [], skipped: [] }),
    hub: { changed: () => {} } as unknown as SnapshotHub,
  };
}

describe('links the user asks for', () => {
  it('job/add-link queues the link as the context menu does, any size, its page as the Referer', async () => {
    const { added, manager } = recordingManager();
    const url = 'https://example.com/files/big%20file.iso';
    const viaMessage = await handleCommand(
      { type: 'job/add-link', url, pageUrl: 'https://example.com/downloads' },
      deps(manager),
    );
    const viaMenu = await onMenuClicked(
      { menuItemId: MENU_ID, linkUrl: url, pageUrl: 'https://example.com/downloads' },
      { incognito: false },
      manager,
    );
    expect([viaMessage, viaMenu]).toEqual(['job-1', 'job-2']);
    const expected: NewJob = {
      url,
      referrer: 'https://example.com/downloads',
      origin: 'menu',
      filename: 'big file.iso',
      sizeBytes: null,
    };
    expect(added).toEqual([expected, expected]);
  });

  it('a link without its page has no Referer', async () => {
    const { added, manager } = recordingManager();
    await handleCommand({ type: 'job/add-link', url: 'http://127.0.0.1:8080/a.bin' }, deps(manager));
    expect(added).toMatchObject([{ url: 'http://127.0.0.1:8080/a.bin', referrer: null }]);
  });

  it('job/add-link goes to aria2 when the settings send downloads there, and to a job when aria2 refuses', async () => {
    const { added, manager } = recordingManager();
    const sent: string[] = [];
    const notes: string[] = [];
    let accept = true;
    const aria2 = {
      settings: async () => ({ ...DEFAULT_SETTINGS, sendToAria2: true }),
      send: async (link: { url: string }) => {
        sent.push(link.url);
        return accept
          ? ({ ok: true, gid: 'gid-1' } as const)
          : ({ ok: false, code: 'ARIA2_UNREACHABLE', reason: 'aria2 is unreachable' } as const);
      },
      note: async (note: { reason: string }) => {
        notes.push(note.reason);
      },
    };
    const url = 'https://example.com/a.bin';
    expect(await handleCommand({ type: 'job/add-link', url }, { ...deps(manager), aria2 })).toBe('gid-1');
    expect(added).toEqual([]);
    accept = false;
    expect(await handleCommand({ type: 'job/add-link', url }, { ...deps(manager), aria2 })).toBe('job-1');
    expect(sent).toEqual([url, url]);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('aria2 is unreachable');
  });

  it('the menu adds nothing from an incognito tab, for another item, or for a link that is not http(s)', async () => {
    const { added, manager } = recordingManager();
    const link = 'https://example.com/a.bin';
    expect(
      await onMenuClicked({ menuItemId: MENU_ID, linkUrl: link }, { incognito: true }, manager),
    ).toBeNull();
    expect(await onMenuClicked({ menuItemId: 'other', linkUrl: link }, undefined, manager)).toBeNull();
    expect(
      await onMenuClicked({ menuItemId: MENU_ID, linkUrl: 'javascript:alert(1)' }, undefined, manager),
    ).toBeNull();
    expect(added).toEqual([]);
  });
});
