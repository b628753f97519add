import { t } from '../../shared/i18n';
import { type AddUriOptions, Aria2Client, type Aria2Config } from './client';
import { Aria2Error } from './errors';
import { parseRpcUrl } from './rpc-url';
import type { SentJob } from './sent-jobs';

/** A download to hand to aria2, as the browser would fetch it. */
export interface Aria2Link {
  /** The URL the browser resolved (after redirects). */
  url: string;
  /** The file name the browser chose (or the link's, for the context menu). */
  filename: string;
  /** The page it came from: sent as Referer. */
  referrer: string | null;
  /** The SHA-256 the user expects (lowercase hex): aria2 checks the file against it. */
  sha256?: string | null;
}

export interface SendDeps {
  /** The Cookie header the browser would send to the URL, or null (no permission). */
  cookies: (url: string) => Promise<string | null>;
  userAgent: string;
  record: (job: SentJob) => Promise<void>;
  client?: (config: Aria2Config) => Pick<Aria2Client, 'addUri'>;
  now?: () => number;
}

export type SendResult = { ok: true; gid: string } | { ok: false; code: string; reason: string };

/** What aria2 needs to fetch the file as the browser would: its name, Referer, User-Agent and cookies. */
export function addUriOptions(link: Aria2Link, cookie: string | null, userAgent: string): AddUriOptions {
  const options: AddUriOptions = { out: link.filename, 'user-agent': userAgent };
  if (link.referrer) options.referer = link.referrer;
  if (cookie) options.header = [`Cookie: ${cookie}`];
  if (link.sha256) options.checksum = `sha-256=${link.sha256}`;
  return options;
}

/**
 * aria2.addUri for one link. Resolves ok with the GID once aria2 accepted the job (the caller may then cancel
 * the browser's download), else with the reason to show; never throws for aria2's failures.
 */
export async function sendToAria2(link: Aria2Link, config: Aria2Config, deps: SendDeps): Promise<SendResult> {
  try {
    parseRpcUrl(config.rpcUrl);
    const client = deps.client?.(config) ?? new Aria2Client(config);
    const cookie = await deps.cookies(link.url);
    const gid = await client.addUri([link.url], addUriOptions(link, cookie, deps.userAgent));
    const sentAt = deps.now?.() ?? Date.now();
    // aria2 has the job whatever happens to the popup's record of it: the browser's download must not go on.
    await deps
      .record({ gid, url: link.url, filename: link.filename, rpcUrl: config.rpcUrl, sentAt })
      .catch(() => {});
    return { ok: true, gid };
  } catch (error) {
    if (error instanceof Aria2Error)
      return { ok: false, code: error.code, reason: t('aria2_not_sent', error.message) };
    return { ok: false, code: 'ARIA2_RPC', reason: t('aria2_not_sent', String(error)) };
  }
}
