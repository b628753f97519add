import type { Settings } from '../../shared/settings';
import { cookieHeaderFor } from './cookies';
import { type Aria2Link, type SendResult, sendToAria2 } from './send';
import { addSentJob } from './sent-jobs';

/**
 * The worker's "send to aria2": the settings' endpoint and secret, the browser's User-Agent, the URL's cookies
 * (if the optional permission is granted), and a record for the popup's list.
 */
export function forwardToAria2(link: Aria2Link, settings: Settings): Promise<SendResult> {
  return sendToAria2(
    link,
    { rpcUrl: settings.aria2RpcUrl, secret: settings.aria2Secret },
    { cookies: cookieHeaderFor, userAgent: navigator.userAgent, record: addSentJob },
  );
}
