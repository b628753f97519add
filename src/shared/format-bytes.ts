import { t } from './i18n';

/**
 * Byte counts for people, in binary units (1 KiB = 1024 bytes). One formatter for the popup and the command
 * line; they differ only in digits: the popup keeps numbers short, the command line's progress line keeps one
 * decimal always, so its columns do not jump as a number crosses 10.
 */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 'short': one decimal below 10 (1.5 KiB, 64 MiB); 'fixed': always one (1.5 KiB, 64.0 MiB). Bytes: none. */
export type ByteDigits = 'short' | 'fixed';

export function formatBytes(bytes: number, digits: ByteDigits = 'short'): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${value.toFixed(0)} B`;
  const decimals = digits === 'fixed' || value < 10 ? 1 : 0;
  return `${value.toFixed(decimals)} ${UNITS[unit]}`;
}

const MIB = 1024 * 1024;

/**
 * The wording of a job's notes and errors ("8.0 MiB", "300 bytes"): MiB from one MiB up, else bytes (in the
 * browser's language: the extension's notes are its only users).
 */
export function describeSize(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : t('size_bytes', bytes);
}
