import { parseContentRange } from '../engine/content-range';
import type { HttpResponse } from '../engine/types';
import { sameResource } from '../engine/validators';
import { createFetcher } from '../net/fetcher';
import type { ResponseValidators } from './browser-responses';
import { addRefererRule, removeRefererRule } from './referer';

/**
 * Whether the extension can fetch the very file the browser is downloading (DESIGN "Taking over"): one
 * `Range: bytes=0-0` request to the URL the browser resolved, never following a redirect (the browser did not
 * go there), answered within a short bound. Only a 206 from that URL, of the browser's size, of a compatible
 * type, of the same ETag and Last-Modified where the browser's response carried them (browser-responses.ts),
 * and without content coding is the same file; anything else leaves the download to the browser, and the
 * reason says why in the popup.
 */
export type Match = { same: true } | { same: false; reason: string };

/** What the browser knows of its download (a downloads.DownloadItem's fields). */
export interface BrowserFile {
  url: string;
  sizeBytes: number;
  mime?: string | undefined;
  /** The validators of the browser's own response, when webRequest reported them. */
  validators?: ResponseValidators | null | undefined;
}

/** The probe's answer, as far as the comparison needs it (the fetcher's HttpResponse). */
export type ProbeAnswer = Pick<HttpResponse, 'status' | 'headers' | 'redirect'>;

/** Types that say nothing about the content: any of them is compatible with any other type. */
const GENERIC_TYPES = new Set([
  '',
  'application/octet-stream',
  'binary/octet-stream',
  'application/binary',
  'application/download',
  'application/force-download',
  'application/x-download',
  'application/unknown',
]);

export function compareProbe(file: BrowserFile, answer: ProbeAnswer): Match {
  if (answer.redirect) return different('the site sends the accelerator’s requests elsewhere');
  if (answer.status === 200) return different('the site does not serve byte ranges');
  if (answer.status !== 206)
    return different(`the site refused the accelerator’s request (HTTP ${answer.status})`);
  const encoding = answer.headers.get('content-encoding');
  if (encoding && encoding.trim().toLowerCase() !== 'identity')
    return different('the site compresses its ranged answers');
  const range = parseContentRange(answer.headers.get('content-range'));
  if (!range || 'unsatisfied' in range || range.start !== 0 || range.total === null)
    return different('the site’s ranged answer is malformed');
  if (range.total !== file.sizeBytes)
    return different(
      `the site answers ranged requests with another file (${range.total} bytes, not ${file.sizeBytes})`,
    );
  const ours = essence(answer.headers.get('content-type'));
  const theirs = essence(file.mime ?? '');
  if (!GENERIC_TYPES.has(ours) && !GENERIC_TYPES.has(theirs) && ours !== theirs)
    return different(`the site answers ranged requests with another type (${ours}, not ${theirs})`);
  if (file.validators) {
    const probed = {
      size: range.total,
      etag: answer.headers.get('etag'),
      lastModified: answer.headers.get('last-modified'),
    };
    if (!sameResource({ size: file.sizeBytes, ...file.validators }, probed).same)
      return different('the site answers ranged requests with another version of the file');
  }
  return { same: true };
}

function essence(type: string | null): string {
  return (type ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function different(reason: string): Match {
  return { same: false, reason };
}

/** How long the probe may take before the download is left to the browser. */
export const PROBE_TIMEOUT_MS = 4_000;

/** Sends the probe through the one fetcher (cookies included, no cache, no redirect followed) and compares. */
export async function probeBrowserFile(
  file: BrowserFile,
  fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<Match> {
  let response: HttpResponse;
  try {
    response = await createFetcher(fetchImpl)({
      url: file.url,
      headers: { Range: 'bytes=0-0' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return different(
      timedOut ? 'the site did not answer the accelerator in time' : 'the site could not be reached',
    );
  }
  response.body?.cancel().catch(() => {});
  return compareProbe(file, response);
}

/** The probe with the Referer the browser sent for the page (a session rule for the probe's URL only). */
export async function probeFromPage(file: BrowserFile, pageUrl: string | null): Promise<Match> {
  const key = `probe-${crypto.randomUUID()}`;
  await addRefererRule(key, [file.url], pageUrl).catch(() => {});
  try {
    return await probeBrowserFile(file);
  } finally {
    await removeRefererRule(key);
  }
}
