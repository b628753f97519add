import { describe, expect, it } from 'vitest';
import manifest from '../../manifest.json' with { type: 'json' };
import { firefoxManifest, GECKO_ID } from '../../src/platform/firefox-manifest';

/** The Firefox add-on's manifest is derived from manifest.json in the build; what it must change, and keep. */
describe('firefoxManifest', () => {
  const firefox = firefoxManifest(manifest);

  it('runs the background script as an event page and names the add-on for Gecko', () => {
    expect(firefox.background).toEqual({ scripts: [manifest.background.service_worker], type: 'module' });
    expect(firefox.browser_specific_settings).toMatchObject({ gecko: { id: GECKO_ID } });
  });

  it('drops what Firefox lacks or rejects and keeps every other permission', () => {
    expect(firefox.permissions).not.toContain('offscreen');
    expect(firefox.key).toBeUndefined();
    expect(firefox.minimum_chrome_version).toBeUndefined();
    expect(firefox.permissions).toEqual(manifest.permissions.filter((p) => p !== 'offscreen'));
    expect(firefox.host_permissions).toEqual(manifest.host_permissions);
    expect(firefox.action).toEqual(manifest.action);
  });

  it('leaves manifest.json itself alone', () => {
    expect(manifest.permissions).toContain('offscreen');
    expect(manifest.background).toHaveProperty('service_worker');
  });

  it('refuses a manifest with no background worker to turn into an event page', () => {
    expect(() => firefoxManifest({ ...manifest, background: {} })).toThrow(/service_worker/);
  });
});
