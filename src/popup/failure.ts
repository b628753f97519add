import { errorText } from '../shared/error-text';
import { t } from '../shared/i18n';
import type { SerializedError } from '../shared/job-state';

/**
 * A failed job's note: what went wrong in the browser's language, from the error's stable code, then the
 * details (the URL, the status, the byte counts) from the facts the error carries.
 */
export function failureNote(error: SerializedError): string {
  return t('failure_note', failureTitle(error.code), errorText(error));
}

export function failureTitle(code: string | null): string {
  switch (code) {
    case 'HTTP_STATUS':
      return t('failure_http');
    case 'NETWORK':
      return t('failure_network');
    case 'TRUNCATED':
      return t('failure_truncated');
    case 'BAD_CONTENT_RANGE':
    case 'CONTENT_ENCODING':
    case 'NO_RANGES':
      return t('failure_bad_ranges');
    case 'RESOURCE_CHANGED':
      return t('failure_changed');
    case 'STORAGE':
      return t('failure_storage');
    case 'RETRIES_EXHAUSTED':
      return t('failure_retries');
    case 'REDIRECTED':
    case 'URL_NOT_ALLOWED':
      return t('failure_not_allowed');
    case 'LINK_EXPIRED':
      return t('failure_link_expired');
    case 'CHECKSUM_MISMATCH':
      return t('failure_checksum');
    case 'TLS_CERTIFICATE':
      return t('failure_tls');
    default:
      return t('failure_other');
  }
}
