import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badgeFor } from '../../src/background/badge';
import { Notifier, noticesFor } from '../../src/background/notify';
import { type Catalog, useCatalog } from '../../src/shared/i18n';
import type { JobState } from '../../src/shared/job-state';
import type { JobView } from '../../src/shared/job-view';

const MIB = 1024 * 1024;

function job(id: string, state: JobState, doneBytes = 0, sizeBytes: number | null = 10 * MIB): JobView {
  return {
    id,
    url: `https://example.org/${id}`,
    filename: `${id}.bin`,
    sizeBytes,
    doneBytes,
    speedBytesPerSecond: 0,
    etaMs: null,
    connections: 0,
    state,
    note: null,
    warning: null,
    sha256: null,
    expectedSha256: null,
    integrity: null,
    integrityNote: null,
  } as JobView;
}

beforeAll(() =>
  useCatalog(
    JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../public/_locales/en/messages.json'), 'utf8'),
    ) as Catalog,
  ),
);
afterAll(() => useCatalog(null));

describe('the toolbar badge', () => {
  it('is empty when nothing is active', () => {
    const idle = [job('a', { status: 'completed', downloadId: 1 }), job('b', { status: 'paused' }, 5)];
    expect(badgeFor(idle)).toEqual({ text: '', title: 'Download Accelerator' });
    expect(badgeFor([]).text).toBe('');
  });

  it('shows the overall percent of the active jobs, never 100 % before the last byte', () => {
    const jobs = [
      job('a', { status: 'running' }, 3 * MIB),
      job('b', { status: 'queued' }, 0, 20 * MIB),
      job('c', { status: 'completed', downloadId: 1 }, 10 * MIB),
    ];
    expect(badgeFor(jobs)).toEqual({ text: '10%', title: 'Download Accelerator: 2 active, 10% done' });
    expect(badgeFor([job('a', { status: 'running' }, 10 * MIB - 1)]).text).toBe('99%');
    expect(badgeFor([job('a', { status: 'completing', downloadId: null }, 10 * MIB)]).text).toBe('100%');
  });

  it('shows how many are active when a size is unknown', () => {
    const jobs = [job('a', { status: 'running' }, 3 * MIB), job('b', { status: 'running' }, 1, null)];
    expect(badgeFor(jobs)).toEqual({ text: '2', title: 'Download Accelerator: 2 active' });
  });
});

describe('notifications', () => {
  const failed: JobState = {
    status: 'failed',
    error: { name: 'HttpError', code: 'http', message: 'HTTP 500' },
  };

  it('tell of a job that completed or failed since the last look, once', () => {
    const before = new Map([
      ['a', 'completing'],
      ['b', 'running'],
      ['c', 'running'],
    ] as const);
    const now = [
      job('a', { status: 'completed', downloadId: 1 }),
      job('b', failed),
      job('c', { status: 'running' }),
    ];
    expect(noticesFor(before, now)).toEqual([
      { id: 'done-a', title: 'Download complete', message: 'a.bin' },
      { id: 'failed-b', title: 'Download failed', message: 'b.bin: HTTP 500' },
    ]);
    const after = new Map(now.map((j) => [j.id, j.state.status]));
    expect(noticesFor(after, now)).toEqual([]);
  });

  it('tell of a job added and finished between two looks', () => {
    expect(
      noticesFor(new Map([['a', 'running']]), [job('a', { status: 'running' }), job('b', failed)]),
    ).toEqual([{ id: 'failed-b', title: 'Download failed', message: 'b.bin: HTTP 500' }]);
  });

  it("say nothing of the jobs a worker's first look finds finished (a restarted worker)", async () => {
    const shown: string[] = [];
    const notifier = new Notifier(async () => true, { show: async (id) => void shown.push(id) });
    notifier.observe([job('a', { status: 'completed', downloadId: 1 }), job('b', failed)]);
    notifier.observe([job('a', { status: 'completed', downloadId: 1 }), job('b', failed)]);
    await new Promise((r) => setTimeout(r, 0));
    expect(shown).toEqual([]);
    notifier.observe([job('a', { status: 'completed', downloadId: 1 }), job('c', failed)]);
    await new Promise((r) => setTimeout(r, 0));
    expect(shown).toEqual(['failed-c']);
  });

  it('are shown only when the setting is on', async () => {
    for (const on of [false, true]) {
      const shown: string[] = [];
      const notifier = new Notifier(async () => on, { show: async (id) => void shown.push(id) });
      notifier.observe([job('a', { status: 'running' })]);
      notifier.observe([job('a', { status: 'completed', downloadId: 1 })]);
      await new Promise((r) => setTimeout(r, 0));
      expect(shown).toEqual(on ? ['done-a'] : []);
    }
  });
});
