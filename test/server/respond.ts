import type { OutgoingHttpHeaders } from 'node:http';
import {
  type ByteRange,
  contentRange,
  ifRangeMatches,
  parseRange,
  type RangeRequest,
  type Validators,
} from './http-rules';
import type { FileSource } from './sources';
import type { ServerOptions } from './types';

/** Status, headers and which bytes of the file to send (null: no body). */
export interface ResponsePlan {
  status: number;
  headers: OutgoingHttpHeaders;
  body: ByteRange | null;
}

export interface FileState {
  source: FileSource;
  validators: Validators;
}

type RangeFaults = Pick<
  ServerOptions,
  | 'contentType'
  | 'contentDisposition'
  | 'extraHeaders'
  | 'ignoreRange'
  | 'shiftBytes'
  | 'maxRangeBytes'
  | 'reportedTotal'
  | 'gzip'
  | 'chunked'
>;

/** Decides the answer to a GET or HEAD of the file: RFC 9110 range semantics, then the configured faults. */
export function planResponse(
  request: { range: string | undefined; ifRange: string | undefined },
  file: FileState,
  options: RangeFaults,
): ResponsePlan {
  const totalBytes = file.source.size;
  const headers = baseHeaders(file.validators, options);
  // A failed If-Range means "send me the whole current file", which is what a 200 is.
  const rangeHonoured =
    !options.ignoreRange &&
    (request.ifRange === undefined || ifRangeMatches(request.ifRange, file.validators));
  const asked: RangeRequest = rangeHonoured ? parseRange(request.range, totalBytes) : { kind: 'none' };
  if (asked.kind === 'none') {
    const body = totalBytes > 0 ? { start: 0, end: totalBytes - 1 } : null;
    return withBody({ status: 200, headers, body }, totalBytes, options);
  }
  const served = asked.kind === 'range' ? applyRangeFaults(asked.range, totalBytes, options) : null;
  if (!served) {
    headers['content-range'] = contentRange(null, totalBytes);
    headers['content-length'] = 0;
    return { status: 416, headers, body: null };
  }
  const labelledTotal =
    served.start > 0 && options.reportedTotal !== undefined ? options.reportedTotal : totalBytes;
  headers['content-range'] = contentRange(served, labelledTotal);
  return withBody({ status: 206, headers, body: served }, served.end - served.start + 1, options);
}

function baseHeaders(validators: Validators, options: RangeFaults): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'content-type': options.contentType ?? 'application/octet-stream' };
  if (!options.ignoreRange) headers['accept-ranges'] = 'bytes';
  if (validators.etag !== null) headers.etag = validators.etag;
  if (validators.lastModified !== null) headers['last-modified'] = validators.lastModified;
  if (options.contentDisposition) headers['content-disposition'] = options.contentDisposition;
  for (const [name, value] of Object.entries(options.extraHeaders ?? {})) headers[name] = value;
  return headers;
}

/** The range actually served under shift and short-answer faults; null when it falls past the end. */
function applyRangeFaults(range: ByteRange, totalBytes: number, options: RangeFaults): ByteRange | null {
  let { start, end } = range;
  if (start > 0 && options.shiftBytes) {
    start += options.shiftBytes;
    end = Math.min(end + options.shiftBytes, totalBytes - 1);
    if (start >= totalBytes) return null;
  }
  if (options.maxRangeBytes !== undefined) end = Math.min(end, start + options.maxRangeBytes - 1);
  return { start, end };
}

/** Adds the length, or the encoding that makes the length unknown. */
function withBody(plan: ResponsePlan, lengthBytes: number, options: RangeFaults): ResponsePlan {
  if (options.gzip) plan.headers['content-encoding'] = 'gzip';
  else if (!options.chunked) plan.headers['content-length'] = lengthBytes;
  return plan;
}
