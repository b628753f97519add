import { blobSaves } from './blob-saves';
import { runningDownloads } from './running-downloads';
import type { Platform } from './types';

/**
 * Firefox: the browser's download is never paused (that interrupts it for good, docs/platform.md "Firefox"):
 * it goes on while the probe decides, and is cancelled only once the probe has proven the extension gets the
 * same file. Saves are a Blob of the stored pieces, handed to downloads.download as a blob: URL.
 */
export const platform: Platform = { name: 'firefox', held: runningDownloads, saves: blobSaves };
