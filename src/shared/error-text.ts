import type {
  ChangeReason,
  ErrorDetail,
  ExpiryReason,
  HashSource,
  RangeReason,
} from '../engine/error-detail';
import { t } from './i18n';
import type { SerializedError } from './job-state';

/**
 * An engine error in the browser's language, from the facts it carries (error-detail.ts); the English catalog
 * words them as the engine does. An error recorded without facts (an older record, a platform error) keeps
 * its own message.
 */
export function errorText(error: SerializedError): string {
  if (!error.detail) return error.message;
  try {
    // Facts of a shape this version does not know (a record from another version, a malformed message) fall
    // back to the words that came with them.
    const text: unknown = detailText(error.detail);
    return typeof text === 'string' && !text.includes('undefined') ? text : error.message;
  } catch {
    return error.message;
  }
}

export function detailText(d: ErrorDetail): string {
  switch (d.kind) {
    case 'http-status':
      return t('detail_http_status', d.url, d.status);
    case 'tls':
      return t('detail_tls', d.url, d.reason);
    case 'network':
      return t('detail_network', d.url, d.cause);
    case 'stalled':
      return t('detail_stalled', d.url, d.seconds);
    case 'truncated':
      return t('detail_truncated', d.url, d.received, d.expected);
    case 'bad-range':
      return t('detail_bad_range', d.url, rangeText(d.reason));
    case 'changed':
      return t('detail_changed', d.url, changeText(d.reason));
    case 'no-ranges':
      return t('detail_no_ranges', d.url);
    case 'storage':
      return t('detail_storage', d.cause);
    case 'aborted':
      return t('detail_aborted', d.reason);
    case 'retries':
      return t('detail_retries', d.attempts, detailText(d.last));
    case 'redirected':
      return d.location === null
        ? t('detail_redirected_away', d.url)
        : t('detail_redirected', d.url, d.location);
    case 'expired':
      return t('detail_expired', expiryText(d.reason));
    case 'not-allowed':
      return t('detail_not_allowed', d.url);
    case 'checksum':
      return t('hash_note_mismatch', d.actual, hashSourceText(d.source), d.expected);
  }
}

export function hashSourceText(source: HashSource): string {
  if (source === 'user') return t('hash_source_user');
  return source === 'repr-digest' ? t('hash_source_repr_digest') : t('hash_source_digest');
}

function rangeText(r: RangeReason): string {
  switch (r.kind) {
    case 'unusable':
      return t('range_unusable', JSON.stringify(r.header));
    case 'probe':
      return t('range_probe', String(r.header));
    case 'no-size':
      return t('range_no_size', r.header);
    case 'start':
      return t('range_start', r.got, r.asked);
    case 'end':
      return t('range_end', r.got, r.asked);
    case 'total':
      return t('range_total', detailText(r.inner));
    case 'encoded':
      return t('range_encoded', r.encoding);
  }
}

function changeText(r: ChangeReason): string {
  switch (r.kind) {
    case 'etag':
      return t('changed_etag', r.etag, r.was);
    case 'size':
      return t('changed_size', r.size, r.was);
    case 'if-range':
      return t('changed_if_range');
    case 'unsatisfiable':
      return t('changed_unsatisfiable', r.start, r.end);
    case 'resume-unsatisfiable':
      return t('changed_resume_unsatisfiable');
    case 'validator':
      return t('changed_validator');
    case 'ranges-gone':
      return t('changed_ranges_gone');
  }
}

function expiryText(r: ExpiryReason): string {
  switch (r.kind) {
    case 'refused':
      return t('expired_refused', detailText(r.inner));
    case 'other-file':
      return t('expired_other_file', detailText(r.inner));
    case 'size':
      return t('expired_size', r.length, r.size);
    case 'unproven':
      return t('expired_unproven', r.url, r.etag ?? t('header_none'), r.lastModified ?? t('header_none'));
    case 'no-validator':
      return t('expired_no_validator');
  }
}
