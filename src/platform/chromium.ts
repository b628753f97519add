import { heldDownloads } from '../background/held-downloads';
import { offscreenSaves } from './offscreen-saves';
import type { Platform } from './types';

/**
 * Chromium: the take-over pauses the browser's download in downloads.onCreated and resumes or cancels it
 * after the probe (docs/platform.md fact 14); saves are streams the worker's fetch handler answers, opened by
 * the offscreen document.
 */
export const platform: Platform = { name: 'chromium', held: heldDownloads, saves: offscreenSaves };
