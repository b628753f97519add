import { parseContentDisposition } from './content-disposition';

/**
 * File names from untrusted text (Content-Disposition, URL paths), made safe for every file system and for
 * chrome.downloads.download, which refuses a bad name instead of fixing it. Its checks, mirrored here
 * (net::IsSafePortablePathComponent): base::i18n::IsFilenameLegal (no control, format or non-characters, none
 * of "*:<>?\|/, no white space, dot or ~ at either end), IsReservedNameOnWindows, IsShellIntegratedExtension.
 */

/** The common file-system limit (ext4, APFS, NTFS all allow about this much). */
const MAX_NAME_BYTES = 255;

// Cc and Cf (controls; bidi overrides such as U+202E, which can show "gpj.exe" as "exe.jpg"; zero-width
// characters), non-characters, and lone surrogates, which have no UTF-8 form. All invisible: dropped.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Noncharacter_Code_Point}\p{Cs}]/gu;
// Windows refuses these; `~` because Chromium refuses it in anything that could be an 8.3 short name.
const RESERVED_CHARACTERS = /[<>:"|?*~]/g;
// Windows device names, with or without extensions, and two names Explorer owns (IsReservedNameOnWindows).
// COM0, LPT0, superscript-digit ports and CONIN$/CONOUT$ are devices too on current Windows.
const DEVICE_NAME =
  /^(?:con|prn|aux|nul|clock\$|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(?: *\..*)?$|^(?:desktop\.ini|thumbs\.db)$/i;
// Windows runs .lnk and .local files' instructions; a {CLSID} extension hides the real type.
const SHELL_EXTENSION = /\.(?:lnk|local|\{[^.]*\})$/i;
// Needs a letter so a version number ("report v1.2") does not pass for an extension.
const EXTENSION = /\.(?=[^.]*\p{L})[^.\s]{1,16}$/u;

const MIME_EXTENSIONS = new Map(
  Object.entries({
    'application/pdf': 'pdf',
    'application/zip': 'zip',
    'application/json': 'json',
    'application/gzip': 'gz',
    'application/x-gzip': 'gz',
    'application/x-tar': 'tar',
    'application/x-bzip2': 'bz2',
    'application/x-xz': 'xz',
    'application/x-7z-compressed': '7z',
    'application/vnd.rar': 'rar',
    'application/x-iso9660-image': 'iso',
    'application/xml': 'xml',
    'text/plain': 'txt',
    'text/html': 'html',
    'text/csv': 'csv',
    'image/png': 'png',
    'image/jpeg': 'jpg',
    'image/gif': 'gif',
    'image/webp': 'webp',
    'image/svg+xml': 'svg',
    'audio/mpeg': 'mp3',
    'video/mp4': 'mp4',
    'video/webm': 'webm',
  }),
);

/** `name` made safe (see the file header); `fallback` (itself sanitised) when nothing usable is left. */
export function sanitizeFilename(name: string, fallback = 'download'): string {
  return clean(name) || clean(fallback) || 'download';
}

/** The last non-empty path segment of `url`, percent-decoded; null when there is none. Never throws. */
export function filenameFromUrl(url: string): string | null {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  // data:, blob: and mailto: URLs have opaque paths, not file names.
  if (!path.startsWith('/')) return null;
  const segment = path.split('/').filter(Boolean).at(-1);
  return segment === undefined ? null : percentDecode(segment);
}

/**
 * The name to save a download under: the Content-Disposition name, else the URL's, else "download" (a
 * candidate that sanitises to nothing, such as "..", gives way to the next), plus an extension from the MIME
 * type when the name has none.
 */
export function chooseFilename(opts: {
  contentDisposition: string | null;
  url: string;
  mime: string | null;
}): string {
  const name =
    clean(parseContentDisposition(opts.contentDisposition) ?? '') ||
    clean(filenameFromUrl(opts.url) ?? '') ||
    'download';
  const extension = EXTENSION.test(name) ? undefined : MIME_EXTENSIONS.get(mimeEssence(opts.mime));
  return extension ? sanitizeFilename(`${name}.${extension}`) : name;
}

/** The safe form of `name`, or '' when nothing is left. */
function clean(name: string): string {
  // White space becomes plain spaces before controls go: tabs and newlines are Cc yet separate words.
  const visible = name
    .normalize('NFC')
    .replace(/\p{White_Space}/gu, ' ')
    .replace(INVISIBLE, '');
  let safe = trimEnds(lastSegment(visible).replace(RESERVED_CHARACTERS, '_').replace(/ {2,}/g, ' '));
  if (SHELL_EXTENSION.test(safe)) safe += '.download';
  if (DEVICE_NAME.test(safe)) safe = `_${safe}`;
  return trimEnds(truncate(safe));
}

/** Path information is the server's, not ours to follow: only the last real segment is a name. */
function lastSegment(path: string): string {
  return (
    path
      .split(/[/\\]/)
      .filter((segment) => /[^ .]/.test(segment))
      .at(-1) ?? ''
  );
}

/** Leading dots would hide the file; Windows drops trailing dots and spaces; Chromium refuses both. */
function trimEnds(name: string): string {
  return name.replace(/^[ .]+|[ .]+$/g, '');
}

/** At most MAX_NAME_BYTES of UTF-8, cut between code points, keeping the extension. */
function truncate(name: string): string {
  if (utf8Length(name) <= MAX_NAME_BYTES) return name;
  const extension = EXTENSION.exec(name)?.[0] ?? '';
  let budget = MAX_NAME_BYTES - utf8Length(extension);
  let stem = '';
  for (const char of name.slice(0, name.length - extension.length)) {
    budget -= utf8Length(char);
    if (budget < 0) break;
    stem += char;
  }
  return stem + extension;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** decodeURIComponent per UTF-8 sequence: a bad escape ("%E9", "%zz") stays literal, not the whole name. */
function percentDecode(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    let decoded = '';
    for (let at = 0; at < run.length; ) {
      const { text: piece, length } = decodeSequence(run, at);
      decoded += piece;
      at += length;
    }
    return decoded;
  });
}

/** The longest valid UTF-8 sequence (4 bytes down to 1) of escapes at `at`; else that one escape, as is. */
function decodeSequence(run: string, at: number): { text: string; length: number } {
  for (const length of [12, 9, 6, 3]) {
    const escapes = run.slice(at, at + length);
    if (escapes.length < length) continue;
    try {
      return { text: decodeURIComponent(escapes), length };
    } catch {
      // Not valid UTF-8 at this length: try a shorter one.
    }
  }
  return { text: run.slice(at, at + 3), length: 3 };
}

function mimeEssence(mime: string | null): string {
  return (mime ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
