import { browser } from '../shared/browser-api';
import { SETTINGS_KEY, type Settings, settingsFromStorage } from '../shared/settings';

/**
 * Settings as the worker sees them: read once at start, then kept current through storage.onChanged, so a
 * change on the options page applies to the next decision without reloading the extension.
 */
let current: Promise<Settings> | null = null;

export function getSettings(): Promise<Settings> {
  current ??= browser.storage.local
    .get(SETTINGS_KEY)
    .then((stored) => settingsFromStorage(stored[SETTINGS_KEY]));
  return current;
}

export async function saveSettings(settings: Settings): Promise<Settings> {
  await browser.storage.local.set({ [SETTINGS_KEY]: settings });
  current = Promise.resolve(settings);
  return settings;
}

export function watchSettings(onChange: (settings: Settings) => void): void {
  browser.storage.onChanged.addListener((changes, area) => {
    const change = changes[SETTINGS_KEY];
    if (area !== 'local' || !change) return;
    const settings = settingsFromStorage(change.newValue);
    current = Promise.resolve(settings);
    onChange(settings);
  });
}
