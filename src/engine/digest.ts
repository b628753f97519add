/**
 * The SHA-256 a server states for the file, from the probe's response headers:
 * - `Repr-Digest` (RFC 9530): a Dictionary structured field (RFC 8941) of algorithm → byte sequence, e.g.
 *   `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:...:`. Only `sha-256` is used; other
 *   algorithms are ignored. A field that does not parse as a Dictionary is ignored whole, as RFC 8941 says.
 *   A representation digest covers the whole selected representation, so it holds on a 206 as on a 200.
 * - `Digest` (RFC 3230, obsoleted by RFC 9530): `SHA-256=<base64>`, algorithm names case-insensitive.
 * `Repr-Digest` wins when both are sent. `Content-Digest` is of the message content (a 206's part), so it is
 * not the file's and is not read.
 */
import type { HttpHeaders, ServerDigest } from './types';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** 32 bytes of standard base64 → lowercase hex; null for anything else. */
function sha256FromBase64(value: string): string | null {
  if (!BASE64.test(value) || value.length % 4 !== 0) return null;
  let binary: string;
  try {
    binary = atob(value);
  } catch {
    return null;
  }
  if (binary.length !== 32) return null;
  let hex = '';
  for (let i = 0; i < binary.length; i++) hex += binary.charCodeAt(i).toString(16).padStart(2, '0');
  return hex;
}

/** The server's SHA-256 of the file, from `Repr-Digest`, else `Digest`; null when neither states one usable. */
export function serverDigest(headers: HttpHeaders): ServerDigest | null {
  const repr = headers.get('repr-digest');
  const fromRepr = repr === null ? null : reprDigestSha256(repr);
  if (fromRepr !== null) return { sha256: fromRepr, header: 'repr-digest' };
  const legacy = headers.get('digest');
  const fromLegacy = legacy === null ? null : legacyDigestSha256(legacy);
  return fromLegacy === null ? null : { sha256: fromLegacy, header: 'digest' };
}

/** `sha-256` of a Repr-Digest field value, as hex; null when absent, not a byte sequence, or not 32 bytes. */
export function reprDigestSha256(field: string): string | null {
  const members = parseDictionary(field);
  const value = members?.get('sha-256');
  return value?.kind === 'bytes' ? sha256FromBase64(value.base64) : null;
}

/** `SHA-256=` of a legacy Digest field value, as hex; null when absent or malformed. */
export function legacyDigestSha256(field: string): string | null {
  for (const part of field.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim().toLowerCase() !== 'sha-256') continue;
    return sha256FromBase64(part.slice(eq + 1).trim());
  }
  return null;
}

type Member = { kind: 'bytes'; base64: string } | { kind: 'other' };

/**
 * RFC 8941 section 4.2.2, as far as a digest needs: keys, then byte sequences kept, every other bare item,
 * inner list and parameter checked for shape and skipped. A later duplicate key overrides an earlier one.
 * Null when the field does not parse.
 */
export function parseDictionary(input: string): Map<string, Member> | null {
  const s = input.replace(/^[ \t]+|[ \t]+$/g, '');
  const members = new Map<string, Member>();
  let i = 0;
  const key = (): string | null => {
    const m = /^[a-z*][a-z0-9_\-.*]*/.exec(s.slice(i));
    if (!m) return null;
    i += m[0].length;
    return m[0];
  };
  const bareItem = (): Member | null => {
    const rest = s.slice(i);
    const m =
      /^:([A-Za-z0-9+/=]*):/.exec(rest) ??
      /^"(?:[ !#-[\]-~]|\\["\\])*"/.exec(rest) ??
      /^-?\d{1,15}(?:\.\d{1,6})?(?![\d.])/.exec(rest) ??
      /^\?[01]/.exec(rest) ??
      /^@-?\d{1,15}/.exec(rest) ??
      /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/.exec(rest);
    if (!m) return null;
    i += m[0].length;
    return m[0].startsWith(':') ? { kind: 'bytes', base64: m[1] ?? '' } : { kind: 'other' };
  };
  const parameters = (): boolean => {
    while (s[i] === ';') {
      i++;
      while (s[i] === ' ') i++;
      if (key() === null) return false;
      if (s[i] === '=') {
        i++;
        if (bareItem() === null) return false;
      }
    }
    return true;
  };
  const innerList = (): boolean => {
    i++; // (
    for (;;) {
      while (s[i] === ' ') i++;
      if (s[i] === ')') {
        i++;
        return parameters();
      }
      if (bareItem() === null || !parameters()) return false;
      if (s[i] !== ' ' && s[i] !== ')') return false;
    }
  };
  while (i < s.length) {
    const name = key();
    if (name === null) return null;
    let member: Member = { kind: 'other' };
    if (s[i] === '=') {
      i++;
      if (s[i] === '(') {
        if (!innerList()) return null;
      } else {
        const item = bareItem();
        if (item === null || !parameters()) return null;
        member = item;
      }
    } else if (!parameters()) return null; // a bare key is Boolean true
    members.set(name, member);
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) return members;
    if (s[i] !== ',') return null;
    i++;
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) return null; // a trailing comma
  }
  return members;
}
