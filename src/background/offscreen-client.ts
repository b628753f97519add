import { platform } from '../platform/current';

/**
 * The saver's way to have the browser download a save URL, whatever the browser: Chromium's offscreen document
 * (src/platform/offscreen-saves.ts) or Firefox's blob: URL (src/platform/blob-saves.ts).
 */
export function openSave(url: string): Promise<void> {
  return platform.saves.open(url);
}

/** Whether the browser's download of a save is created only once every byte is stored (src/platform/types.ts). */
export function createdAtEnd(): boolean {
  return platform.saves.creates === 'at-end';
}

export function closeDocument(): Promise<void> {
  return platform.saves.close();
}
