import { beforeEach, describe, expect, it } from 'vitest';
import { listJobLimits, storeJobLimit } from '../../src/background/job-limits';
import { Traffic } from '../../src/background/traffic';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { installFakeChrome } from './fake-chrome';

const MIB = 1024 * 1024;

describe("a job's own speed limit", () => {
  beforeEach(() => {
    installFakeChrome();
  });

  it('overrides the per-download setting live, 0 lifting it, null going back to it', () => {
    const traffic = new Traffic();
    traffic.apply({ ...DEFAULT_SETTINGS, perDownloadLimitBytesPerSecond: 4 * MIB });
    const [own] = traffic.limitsFor('job-a');
    expect(own?.bytesPerSecond).toBe(4 * MIB);
    traffic.setJobLimit('job-a', MIB);
    expect(own?.bytesPerSecond).toBe(MIB);
    // A settings change leaves the job's own limit alone.
    traffic.apply({ ...DEFAULT_SETTINGS, perDownloadLimitBytesPerSecond: 8 * MIB });
    expect(own?.bytesPerSecond).toBe(MIB);
    traffic.setJobLimit('job-a', 0);
    expect(own?.bytesPerSecond).toBeNull();
    traffic.setJobLimit('job-a', null);
    expect(own?.bytesPerSecond).toBe(8 * MIB);
    expect(traffic.limitsFor('job-b')[0]?.bytesPerSecond).toBe(8 * MIB);
  });

  it('is kept in session storage and applied to the job when a restarted worker runs it', async () => {
    await storeJobLimit('job-a', 2 * MIB);
    await storeJobLimit('job-b', 3 * MIB);
    await storeJobLimit('job-b', null);
    expect(await listJobLimits()).toEqual({ 'job-a': 2 * MIB });
    const traffic = new Traffic();
    const [own] = traffic.limitsFor('job-a');
    await expect.poll(() => own?.bytesPerSecond).toBe(2 * MIB);
  });
});
