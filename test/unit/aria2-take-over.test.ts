import { beforeEach, describe, expect, it } from 'vitest';
import type { Aria2Link, SendResult } from '../../src/background/aria2/send';
import type { Match } from '../../src/background/browser-match';
import type { ChosenName } from '../../src/background/chosen-name';
import { ARIA2_MENU_ID, MENU_ID, type MenuAria2, onMenuClicked } from '../../src/background/context-menu';
import type { NewJob } from '../../src/background/job-records';
import { listSkipped } from '../../src/background/skipped';
import { type NewBrowserDownload, takeOver } from '../../src/background/take-over';
import type { SkipNote } from '../../src/shared/job-view';
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings';
import type { JobId } from '../../src/store/schema';
import { installFakeChrome } from './fake-chrome';

/** With "send to aria2" on: what goes to aria2, and when the browser's download is cancelled or left alone. */

const MIB = 1024 * 1024;
const big: NewBrowserDownload = {
  id: 5,
  url: 'https://files.example/get?id=1',
  finalUrl: 'https://cdn.example/a.iso',
  referrer: 'https://files.example/page',
  incognito: false,
  totalBytes: 64 * MIB,
  mime: 'application/octet-stream',
};
const on: Settings = { ...DEFAULT_SETTINGS, sendToAria2: true, aria2Secret: 's3cret' };
const GID = '2089b05ecca3d829';

let log: string[];
let sent: Aria2Link[];
let added: NewJob[];
let answer: SendResult;
let match: Match;
let name: ChosenName;

beforeEach(() => {
  installFakeChrome();
  log = [];
  sent = [];
  added = [];
  answer = { ok: true, gid: GID };
  match = { same: true };
  name = { kind: 'named', name: 'chosen.iso' };
});

function created(item: NewBrowserDownload, settings = on): Promise<void> {
  return takeOver(item, {
    settings: async () => settings,
    browser: {
      pause: async (id) => void log.push(`pause ${id}`),
      resume: async (id) => void log.push(`resume ${id}`),
      cancelAndErase: async (id) => void log.push(`cancel+erase ${id}`),
      chosenName: async (id) => {
        log.push(`name ${id}`);
        return name;
      },
    },
    probe: async (_file, _page, time) => {
      log.push(time ? 'probe' : 'probe (not timed)');
      return match;
    },
    validators: () => null,
    adopt: async () => false,
    add: async (job) => {
      log.push('add');
      added.push(job);
      return 'job-1' as JobId;
    },
    rename: async () => {},
    cancel: async () => {},
    onSkipped: () => log.push('skipped'),
    aria2: async (link, settings) => {
      log.push(`aria2 (secret ${settings.aria2Secret})`);
      sent.push(link);
      return answer;
    },
  });
}

describe('taking over to aria2', () => {
  it('probes untimed, sends the resolved URL, the chosen name and the page, and cancels only after the GID', async () => {
    await created(big);
    expect(log).toEqual([
      'pause 5',
      'probe (not timed)',
      'name 5',
      'aria2 (secret s3cret)',
      'cancel+erase 5',
    ]);
    expect(sent).toEqual([
      { url: 'https://cdn.example/a.iso', filename: 'chosen.iso', referrer: big.referrer },
    ]);
    expect(added).toEqual([]);
  });

  it('aria2 unreachable or refusing the secret: the browser’s download goes on and the popup says why', async () => {
    for (const reason of ['not sent to aria2: aria2 is unreachable at …', 'not sent to aria2: … secret']) {
      log = [];
      answer = { ok: false, code: 'ARIA2_UNREACHABLE', reason };
      await created(big);
      expect(log.slice(-3)).toEqual(['aria2 (secret s3cret)', 'resume 5', 'skipped']);
      expect((await listSkipped())[0]).toMatchObject({ url: big.finalUrl, reason });
    }
    expect(added).toEqual([]);
  });

  it('what the extension would not take is not sent either: small files, a failed probe, a cancelled save dialog', async () => {
    await created({ ...big, totalBytes: MIB });
    match = { same: false, reason: 'the site answered ranged requests with another file' };
    await created(big);
    name = { kind: 'ended' };
    match = { same: true };
    await created(big);
    expect(sent).toEqual([]);
    expect(log).toEqual([
      'pause 5',
      'probe (not timed)',
      'resume 5',
      'skipped',
      'pause 5',
      'probe (not timed)',
      'name 5',
    ]);
  });

  it('with the setting off nothing goes to aria2', async () => {
    await created(big, { ...on, sendToAria2: false });
    expect(sent).toEqual([]);
    expect(added).toHaveLength(1);
  });
});

describe('the context menu and aria2', () => {
  const notes: SkipNote[] = [];
  const menu = (settings: Settings): MenuAria2 => ({
    settings: async () => settings,
    send: async (link) => {
      sent.push(link);
      return answer;
    },
    note: async (note) => void notes.push(note),
  });
  const manager = {
    add: async (job: NewJob) => {
      added.push(job);
      return 'job-9' as JobId;
    },
  };
  const click = (menuItemId: string, settings: Settings) =>
    onMenuClicked(
      { menuItemId, linkUrl: 'https://files.example/x%20y.zip', pageUrl: 'https://files.example/' },
      { incognito: false },
      manager,
      menu(settings),
    );

  it('"Send to aria2" sends the link whatever the setting, its page as Referer', async () => {
    expect(await click(ARIA2_MENU_ID, DEFAULT_SETTINGS)).toBe(GID);
    expect(sent).toEqual([
      { url: 'https://files.example/x%20y.zip', filename: 'x y.zip', referrer: 'https://files.example/' },
    ]);
    expect(added).toEqual([]);
  });

  it('a failed "Send to aria2" is a note and nothing else; "Download with accelerator" falls back to its job', async () => {
    answer = { ok: false, code: 'ARIA2_UNAUTHORIZED', reason: 'not sent to aria2: wrong secret' };
    expect(await click(ARIA2_MENU_ID, DEFAULT_SETTINGS)).toBeNull();
    expect(added).toEqual([]);
    expect(await click(MENU_ID, on)).toBe('job-9');
    expect(added).toHaveLength(1);
    expect(notes.map((n) => n.reason)).toEqual([
      'not sent to aria2: wrong secret',
      'not sent to aria2: wrong secret; downloaded by the extension instead',
    ]);
  });

  it('"Download with accelerator" goes to aria2 when the setting is on, to the engine when off', async () => {
    expect(await click(MENU_ID, on)).toBe(GID);
    expect(await click(MENU_ID, DEFAULT_SETTINGS)).toBe('job-9');
    expect(sent).toHaveLength(1);
    expect(added).toHaveLength(1);
  });
});
