/**
 * The offscreen document. The worker streams a finished (or still arriving) file from a URL its fetch handler
 * answers with Content-Disposition: attachment; downloads.download cannot take such a URL (docs/platform.md
 * fact 9), but a frame navigated to it turns it into an ordinary browser download, written to disk as the
 * bytes come. Once the navigation has become a download the frame is no longer needed; the download outlives
 * it and this document.
 */
import { browser } from '../shared/browser-api';
import { listen } from '../shared/messenger';
import { OFFSCREEN_MESSAGES } from '../shared/protocol';

const FRAME_LIFETIME_MS = 60_000;

listen(OFFSCREEN_MESSAGES, async (message) => {
  switch (message.type) {
    case 'offscreen/save': {
      if (!message.url.startsWith(browser.runtime.getURL('save/')))
        throw new Error('not a save URL of this extension');
      const frame = document.createElement('iframe');
      frame.src = message.url;
      document.body.append(frame);
      setTimeout(() => frame.remove(), FRAME_LIFETIME_MS);
      return null;
    }
    default:
      throw new Error(`${message.type} is for the worker`);
  }
});
