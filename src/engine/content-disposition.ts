/**
 * The file name a Content-Disposition header suggests (RFC 6266), read as leniently as Chromium reads it:
 * servers often get this header wrong, and a readable name beats a refusal. The result is untrusted text;
 * sanitizeFilename makes it a safe name.
 *
 * Deliberate choices:
 * - `filename*` (RFC 8187, UTF-8 or ISO-8859-1) wins over `filename` wherever it appears; if it cannot be
 *   decoded, `filename` is used instead.
 * - `%xx` in a plain `filename` stays literal (RFC 6266 §4.3: "50%.pdf" must survive); RFC 2047 `=?..?=`
 *   words and RFC 2231 continuations (`filename*0`) are not decoded.
 * - Raw UTF-8 bytes in `filename` (fetch hands header bytes over as Latin-1 characters) are decoded as UTF-8
 *   when they form valid UTF-8, as browsers do; otherwise they are kept as Latin-1.
 * - A header that starts with a parameter (no disposition type) is still read, as Chromium does.
 * - An unquoted value runs to the next `;`, spaces included; the first of two same-named parameters counts.
 */
export function parseContentDisposition(header: string | null): string | null {
  if (header === null) return null;
  const params = parseParameters(header);
  const extended = params.get('filename*');
  const decoded = extended === undefined ? null : decodeExtValue(extended);
  if (decoded) return decoded;
  const plain = params.get('filename');
  return plain ? decodeRawUtf8(plain) : null;
}

function parseParameters(header: string): Map<string, string> {
  const params = new Map<string, string>();
  const typeEnd = header.indexOf(';') === -1 ? header.length : header.indexOf(';');
  let i = header.slice(0, typeEnd).includes('=') ? 0 : typeEnd + 1;
  while (i < header.length) {
    const eq = header.indexOf('=', i);
    if (eq === -1) break;
    const semicolon = header.indexOf(';', i);
    if (semicolon !== -1 && semicolon < eq) {
      i = semicolon + 1; // a parameter without a value
      continue;
    }
    // Whitespace inside names is dropped too, so `filename *=` still reads as `filename*`.
    const name = header.slice(i, eq).replace(/\s+/g, '').toLowerCase();
    const { value, next } = readValue(header, eq + 1);
    if (!params.has(name)) params.set(name, value);
    i = next;
  }
  return params;
}

/** The value starting at `from` (quoted-string or bare), and where the next parameter starts. */
function readValue(header: string, from: number): { value: string; next: number } {
  let i = from;
  while (header[i] === ' ' || header[i] === '\t') i++;
  if (header[i] !== '"') {
    const semicolon = header.indexOf(';', i);
    const end = semicolon === -1 ? header.length : semicolon;
    return { value: header.slice(i, end).trim(), next: end + 1 };
  }
  let value = '';
  for (i++; i < header.length && header[i] !== '"'; i++) {
    if (header[i] === '\\' && i + 1 < header.length) i++;
    value += header.charAt(i);
  }
  // Anything between the closing quote and the next `;` is junk; an unterminated string runs to the end.
  const semicolon = header.indexOf(';', i);
  return { value, next: semicolon === -1 ? header.length : semicolon + 1 };
}

/** RFC 8187 `charset'language'pct-encoded`; null when malformed or in a charset RFC 8187 does not require. */
function decodeExtValue(value: string): string | null {
  const match = /^([^']*)'[^']*'(.*)$/s.exec(value.trim());
  if (!match) return null;
  const bytes = percentDecodeBytes(match[2] ?? '');
  if (bytes === null) return null;
  const charset = (match[1] ?? '').trim().toLowerCase();
  if (charset === 'utf-8') return decodeUtf8(bytes);
  if (charset === 'iso-8859-1') return latin1(bytes);
  return null;
}

/** Null on a broken `%` escape or a character that is not ASCII (RFC 8187 values are ASCII). */
function percentDecodeBytes(text: string): Uint8Array | null {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x25) {
      const hex = text.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/i.test(hex)) return null;
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (code < 0x80) {
      bytes.push(code);
    } else {
      return null;
    }
  }
  return Uint8Array.from(bytes);
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

// Built by hand: TextDecoder's "iso-8859-1" is really windows-1252 (WHATWG Encoding), not RFC 8187's charset.
function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function decodeRawUtf8(value: string): string {
  // Only a string of byte-valued characters with some above ASCII can be misread UTF-8.
  if (/[\u0100-\uffff]/.test(value) || !/[\x80-\xff]/.test(value)) return value;
  const bytes = Uint8Array.from(value, (ch) => ch.charCodeAt(0));
  return decodeUtf8(bytes) ?? value;
}
