import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addUriOptions } from '../../src/background/aria2/send';
import { handleCommand } from '../../src/background/commands';
import { checkFile } from '../../src/background/file-check';
import type { JobManager } from '../../src/background/job-manager';
import { JobRecords } from '../../src/background/job-records';
import type { SnapshotHub } from '../../src/background/snapshots';
import { parseMessage, WORKER_MESSAGES } from '../../src/shared/protocol';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { type JobId, openStore, type Store } from '../../src/store/schema';

const URL = 'https://example.com/files/a.iso';
const HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const OTHER = 'ab'.repeat(32);

describe('job/add-link with the SHA-256 the user expects', () => {
  const parse = (message: Record<string, unknown>) =>
    parseMessage({ type: 'job/add-link', url: URL, ...message }, WORKER_MESSAGES);

  it.each([
    [HEX, HEX],
    [HEX.toUpperCase(), HEX],
    [` ${HEX}\n`, HEX],
    [`sha256:${HEX}`, HEX],
  ])('takes %j as %s', (sha256, normalised) => {
    expect(parse({ sha256 })).toEqual({
      ok: true,
      value: { type: 'job/add-link', url: URL, sha256: normalised },
    });
  });

  it('takes it with the page the link came from', () => {
    const pageUrl = 'https://example.com/downloads';
    expect(parse({ pageUrl, sha256: HEX })).toEqual({
      ok: true,
      value: { type: 'job/add-link', url: URL, pageUrl, sha256: HEX },
    });
  });

  it('drops an empty one: the link has no expected hash', () => {
    expect(parse({ sha256: '' })).toEqual({ ok: true, value: { type: 'job/add-link', url: URL } });
  });

  it.each([
    [HEX.slice(1)],
    [`${HEX}0`],
    [`${HEX.slice(1)}g`],
    [`md5:${HEX}`],
    ['   '],
    [null],
    [42],
    [[HEX]],
  ])('refuses %j', (sha256) => {
    expect(parse({ sha256 }).ok).toBe(false);
  });
});

describe('the job a link with a hash creates', () => {
  let db: Store;
  let records: JobRecords;
  beforeEach(async () => {
    db = await openStore(`add-link-${Math.random()}`);
    records = new JobRecords(db);
  });
  afterEach(() => db.close());

  const manager = () =>
    ({ add: (job: Parameters<JobRecords['create']>[0]) => records.create(job) }) as unknown as JobManager;
  const deps = (aria2?: Parameters<typeof handleCommand>[1]['aria2']) => ({
    manager: async () => manager(),
    snapshot: async () => ({ jobs: [], skipped: [] }),
    hub: { changed: () => {} } as unknown as SnapshotHub,
    aria2,
  });

  it('stores it as the job’s expected SHA-256, and the save is held to it', async () => {
    const id = (await handleCommand({ type: 'job/add-link', url: URL, sha256: HEX }, deps())) as JobId;
    const job = await records.get(id);
    expect(job).toMatchObject({ url: URL, origin: 'menu', expectedSha256: HEX, state: { status: 'queued' } });
    await records.apply(id, { type: 'start' });
    await expect(checkFile(records, id, OTHER)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
    expect((await records.get(id))?.integrity?.result).toBe('mismatch');
  });

  it('stores none without one', async () => {
    const id = (await handleCommand({ type: 'job/add-link', url: URL }, deps())) as JobId;
    expect((await records.get(id))?.expectedSha256 ?? null).toBeNull();
  });

  it('gives it to aria2 when the link goes there, and to the job aria2 refused', async () => {
    const sent: unknown[] = [];
    let accept = true;
    const aria2 = {
      settings: async () => ({ ...DEFAULT_SETTINGS, sendToAria2: true }),
      send: async (link: Parameters<typeof addUriOptions>[0]) => {
        sent.push(addUriOptions(link, null, 'UA'));
        return accept
          ? ({ ok: true, gid: 'gid-1' } as const)
          : ({ ok: false, code: 'ARIA2_UNREACHABLE', reason: 'aria2 is unreachable' } as const);
      },
      note: async () => {},
    };
    const message = { type: 'job/add-link', url: URL, sha256: HEX } as const;
    expect(await handleCommand(message, deps(aria2))).toBe('gid-1');
    accept = false;
    const id = (await handleCommand(message, deps(aria2))) as JobId;
    expect(sent).toEqual([
      { out: 'a.iso', 'user-agent': 'UA', checksum: `sha-256=${HEX}` },
      { out: 'a.iso', 'user-agent': 'UA', checksum: `sha-256=${HEX}` },
    ]);
    expect((await records.get(id))?.expectedSha256).toBe(HEX);
  });
});
