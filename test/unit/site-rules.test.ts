import { beforeEach, describe, expect, it } from 'vitest';
import type { Match } from '../../src/background/browser-match';
import type { NewJob } from '../../src/background/job-records';
import { listSkipped } from '../../src/background/skipped';
import { type NewBrowserDownload, takeOver } from '../../src/background/take-over';
import {
  DEFAULT_SETTINGS,
  type Settings,
  settingsFromStorage,
  validateSettings,
} from '../../src/shared/settings';
import { ruleFor, type SiteRule } from '../../src/shared/site-rules';
import { settingsForSite } from '../../src/shared/site-settings';
import type { JobId } from '../../src/store/schema';
import { installFakeChrome } from './fake-chrome';

const MIB = 1024 * 1024;
const rule = (domain: string, mode: SiteRule['mode'], more: Partial<SiteRule> = {}): SiteRule => ({
  domain,
  mode,
  connections: null,
  thresholdBytes: null,
  ...more,
});

describe('site rules', () => {
  const rules = [rule('example.com', 'never'), rule('dl.example.com', 'always'), rule('b.org', 'auto')];

  it('the most specific domain wins; subdomains are included; other hosts have none', () => {
    expect(ruleFor('example.com', rules)?.mode).toBe('never');
    expect(ruleFor('www.example.com', rules)?.mode).toBe('never');
    expect(ruleFor('a.dl.example.com', rules)?.mode).toBe('always');
    expect(ruleFor('DL.Example.COM', rules)?.mode).toBe('always');
    expect(ruleFor('notexample.com', rules)).toBeNull();
    expect(ruleFor('b.org.evil.net', rules)).toBeNull();
  });

  it('are validated: domains normalised, modes, connections 1-6 or none, thresholds, no two for one domain', () => {
    const ok = validateSettings({
      ...DEFAULT_SETTINGS,
      siteRules: [{ domain: ' *.Files.Example. ', mode: 'always', connections: 2, thresholdBytes: MIB }],
    });
    expect(ok).toMatchObject({
      ok: true,
      value: {
        siteRules: [{ domain: 'files.example', mode: 'always', connections: 2, thresholdBytes: MIB }],
      },
    });
    for (const bad of [
      [{ domain: 'a b', mode: 'never', connections: null, thresholdBytes: null }],
      [{ domain: 'a.com', mode: 'sometimes', connections: null, thresholdBytes: null }],
      [{ domain: 'a.com', mode: 'auto', connections: 7, thresholdBytes: null }],
      [{ domain: 'a.com', mode: 'auto', connections: 0, thresholdBytes: null }],
      [{ domain: 'a.com', mode: 'auto', connections: null, thresholdBytes: -1 }],
      [{ domain: 'a.com', mode: 'auto' }],
      [rule('a.com', 'auto'), rule('A.com', 'never')],
      'a.com never',
    ]) {
      expect(validateSettings({ ...DEFAULT_SETTINGS, siteRules: bad }).ok, JSON.stringify(bad)).toBe(false);
    }
  });

  it('stored settings from before site rules get none', () => {
    const { siteRules: _, ...old } = DEFAULT_SETTINGS;
    expect(settingsFromStorage(old).siteRules).toEqual([]);
  });

  it("give one download its site's connections and threshold; never excludes, always takes any size", () => {
    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      autoCapture: false,
      siteRules: [
        rule('slow.example', 'auto', { connections: 2, thresholdBytes: 100 * MIB }),
        rule('always.example', 'always', { connections: 4 }),
        rule('never.example', 'never'),
      ],
    };
    expect(settingsForSite(settings, ['https://a.slow.example/f'])).toMatchObject({
      connectionsPerDownload: 2,
      thresholdBytes: 100 * MIB,
      autoCapture: false,
    });
    expect(settingsForSite(settings, ['https://always.example/f'])).toMatchObject({
      connectionsPerDownload: 4,
      thresholdBytes: 0,
      autoCapture: true,
    });
    expect(settingsForSite(settings, ['https://never.example/f']).excludedDomains).toEqual(['never.example']);
    // The link's host first, then where it redirected.
    expect(
      settingsForSite(settings, ['https://other.net/x', 'https://slow.example/f']).connectionsPerDownload,
    ).toBe(2);
    expect(settingsForSite(settings, ['https://other.net/x', 'bad url'])).toBe(settings);
  });
});

describe('site rules in the take-over decision', () => {
  let log: string[];
  let added: NewJob[];
  let match: Match;
  beforeEach(() => {
    installFakeChrome();
    log = [];
    added = [];
    match = { same: true };
  });
  const item = (url: string, sizeBytes: number): NewBrowserDownload => ({
    id: 9,
    url,
    finalUrl: url,
    incognito: false,
    totalBytes: sizeBytes,
    referrer: '',
  });
  const created = (download: NewBrowserDownload, settings: Settings) =>
    takeOver(download, {
      settings: async () => settings,
      browser: {
        pause: async () => void log.push('pause'),
        resume: async () => void log.push('resume'),
        cancelAndErase: async () => void log.push('cancel+erase'),
        chosenName: async () => ({ kind: 'named', name: 'f.bin' }),
      },
      probe: async (_f, _p, time) => {
        log.push(time ? 'probe' : 'probe (not timed)');
        // An untimed probe reports no rate, as browser-match.ts does.
        return time ? match : { same: true };
      },
      validators: () => null,
      adopt: async () => false,
      add: async (job) => {
        added.push(job);
        return 'job-1' as JobId;
      },
      rename: async () => {},
      cancel: async () => {},
      onSkipped: () => log.push('skipped'),
    });

  it('"always": a small file is taken over even with automatic capture off, and even from a fast site', async () => {
    const settings = { ...DEFAULT_SETTINGS, autoCapture: false, siteRules: [rule('fast.example', 'always')] };
    match = { same: true, bytesPerSecond: 500 * MIB };
    await created(item('https://cdn.fast.example/small.bin', MIB), settings);
    expect(added).toHaveLength(1);
    expect(log).toEqual(['pause', 'probe (not timed)', 'cancel+erase']);
    // Without the rule: nothing happens at all.
    await created(item('https://other.example/small.bin', MIB), settings);
    expect(added).toHaveLength(1);
  });

  it('"never": a large file is left to the browser with a note', async () => {
    const settings = { ...DEFAULT_SETTINGS, siteRules: [rule('never.example', 'never')] };
    await created(item('https://www.never.example/big.iso', 64 * MIB), settings);
    expect(added).toEqual([]);
    expect(log).toEqual(['skipped']);
    expect((await listSkipped())[0]?.reason).toMatch(/www\.never\.example/);
  });

  it("a site's threshold replaces the general one, both ways", async () => {
    const settings = {
      ...DEFAULT_SETTINGS,
      siteRules: [
        rule('high.example', 'auto', { thresholdBytes: 100 * MIB }),
        rule('low.example', 'auto', { thresholdBytes: MIB }),
      ],
    };
    await created(item('https://high.example/a.bin', 64 * MIB), settings);
    expect(added).toEqual([]);
    await created(item('https://low.example/a.bin', 2 * MIB), settings);
    expect(added).toHaveLength(1);
  });
});
