/**
 * The Firefox add-on's manifest, derived in the build (vite.config.ts) from the one manifest.json, so both
 * browsers ship the same features from the same source:
 * - an event page (`background.scripts`): Firefox has no extension service worker (docs/platform.md, Firefox);
 * - `browser_specific_settings.gecko`: the add-on's id (a temporary add-on needs one) and the oldest Firefox it
 *   was measured on; no data collected;
 * - no `offscreen` (Firefox has no such API: the event page makes the save's blob: URL itself), no Chromium-only
 *   keys (`key`, `minimum_chrome_version`);
 * - the same permissions otherwise: webRequest (observing, not blocking) reads the browser's own responses.
 */
export const GECKO_ID = 'download-accelerator@accelerator.invalid';
/** Firefox ESR 140: the first to read `data_collection_permissions`; measured on ESR 153. */
export const GECKO_MIN_VERSION = '140.0';

const CHROMIUM_ONLY_PERMISSIONS = new Set(['offscreen']);
const CHROMIUM_ONLY_KEYS = ['key', 'minimum_chrome_version'];

type Manifest = Record<string, unknown> & {
  permissions?: string[];
  background?: { service_worker?: string; type?: string; scripts?: string[] };
};

export function firefoxManifest(chromium: Readonly<Manifest>): Manifest {
  const manifest: Manifest = structuredClone(chromium) as Manifest;
  for (const key of CHROMIUM_ONLY_KEYS) delete manifest[key];
  const worker = chromium.background?.service_worker;
  if (!worker) throw new Error('manifest.json has no background.service_worker to run as an event page');
  manifest.background = { scripts: [worker], type: 'module' };
  const permissions = (chromium.permissions ?? []).filter((p) => !CHROMIUM_ONLY_PERMISSIONS.has(p));
  manifest.permissions = permissions;
  manifest.browser_specific_settings = {
    gecko: {
      id: GECKO_ID,
      strict_min_version: GECKO_MIN_VERSION,
      data_collection_permissions: { required: ['none'] },
    },
    // Firefox for Android reads data_collection_permissions from 142.
    gecko_android: { strict_min_version: '142.0' },
  };
  return manifest;
}
