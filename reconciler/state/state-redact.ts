import { createHash } from 'node:crypto';

/**
 * Secrets in the state store (DESIGN.md "Safety rules"): passwords, tokens,
 * adminPass, private keys, secrets and user data MUST never be written in
 * clear text. Structured values keep a `sha256:<hex>` digest instead, so the
 * planner can still tell whether a secret changed (compare
 * `secretDigest(desired)` with the stored digest) without being able to read
 * it. Free text (journal errors, event messages) goes through patterns.
 *
 * A digest of a low-entropy password can be brute-forced; it is still far
 * better than clear text, and it is what the state model asks for. Anyone who
 * needs more MUST keep such values out of manifests (use a keypair, or user
 * data that fetches its secrets).
 */

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Normalized names (lower case, no `_`/`-`, namespace prefix dropped) of fields that hold secrets. */
const SECRET_FIELDS = new Set([
  'userdata', 'adminpass', 'password', 'privatekey', 'secret', 'token', 'authtoken', 'passcode',
]);

function normalize(key: string): string {
  return key.slice(key.lastIndexOf(':') + 1).toLowerCase().replace(/[-_]/g, '');
}

/** `userData`, `user_data`, `OS-EXT-SRV-ATTR:user_data`, `adminPassword`, `application_credential_secret`, `accessToken` ... */
export function isSecretField(key: string): boolean {
  const k = normalize(key);
  return SECRET_FIELDS.has(k) || k.endsWith('password') || k.endsWith('secret') || k.endsWith('token') || k.endsWith('privatekey');
}

/** JSON with sorted keys, so the digest of an object does not depend on key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The digest stored in place of a secret: `sha256:` and 64 hex digits of the
 * UTF-8 string (non-strings: of their canonical JSON). A value that already is
 * such a digest is returned unchanged, so redacting twice is harmless (a
 * record read back from state and written again keeps its digest).
 *
 * @example
 * secretDigest('#cloud-config\n') // 'sha256:3b1c...'
 */
export function secretDigest(value: unknown): string {
  if (typeof value === 'string' && DIGEST.test(value)) return value;
  const text = typeof value === 'string' ? value : canonical(value);
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/**
 * A deep copy of `value` in which every secret field (see `isSecretField`)
 * holds `secretDigest(original)`. `null`/`undefined` stay as they are (the
 * absence of a secret is not a secret). Non-plain leaves (Dates, ...) are
 * copied through JSON semantics, as they would be in the datafile anyway.
 *
 * @example
 * redactForState({ flavor: 'm1', userData: '#!/bin/sh\necho hi', volumes: [] })
 * // -> { flavor: 'm1', userData: 'sha256:9f2e...', volumes: [] }
 */
export function redactForState<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(walk);
  if (typeof value !== 'object' || value === null) return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return walk(JSON.parse(JSON.stringify(value)));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSecretField(key) && inner !== null && inner !== undefined ? secretDigest(inner) : walk(inner);
  }
  return out;
}

export const REDACTED = '***';

const KEY_CHARS = '[A-Za-z0-9_.:-]*';
const SECRET_WORD = '(?:password|passwd|secret|token|adminpass|user_?data|private_?key|passcode)';
/** `"password": "x"` (JSON in an error body). */
const QUOTED = new RegExp(`("${KEY_CHARS}${SECRET_WORD}${KEY_CHARS}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
/**
 * `password=x`, `OS_PASSWORD=x` (query strings, env dumps). Only `=`: a
 * `key: value` form would also eat prose such as the provider's
 * "no password: set clouds.lab.auth.password in ...".
 */
const ASSIGNED = new RegExp(`(\\b${KEY_CHARS}${SECRET_WORD}${KEY_CHARS}\\s*=\\s*)(?!\\*\\*\\*)(?:"[^"]*"|'[^']*'|[^\\s"',;&)\\]}]+)`, 'gi');
/** Credential headers as logged: `X-Auth-Token: x`, `Authorization: Basic x`. */
const HEADER = /\b((?:x-auth-token|x-subject-token|x-service-token)\s*:\s*)[^\s"',;]+/gi;
const AUTHORIZATION = /\b(authorization\s*:\s*)(?:[A-Za-z]+\s+)?[^\s"',;]+/gi;
const BEARER = /\b(Bearer\s+)(?!\*\*\*)[A-Za-z0-9._~+/=-]+/g;
/** Keystone Fernet tokens (they start with gAAAAA), anywhere. */
const FERNET = /\bgAAAAA[A-Za-z0-9_=-]{20,}/g;
const PEM_PRIVATE = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
/** `https://user:pass@host`. */
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s/@]+@/gi;

/**
 * What every pattern above needs at least one of (a quote, `=`, `@`, a
 * header or scheme word, a PEM or Fernet start): most strings have none,
 * and skip eight regular expressions (a controller's status of 10,000
 * resources goes through here every pass).
 */
const MAY_HOLD_SECRET = /-----BEGIN|["=@]|token|authorization|bearer|gAAAAA/i;

/**
 * Free text with secrets masked by pattern: JSON `"key": "value"` and
 * `key=value` pairs whose key names a secret, credential headers, bearer and
 * Fernet tokens, PEM private keys, and passwords in URLs. It SHOULD be applied to every
 * message persisted; it cannot find a secret that carries no marker, so
 * callers MUST NOT put raw secret values in messages in the first place.
 *
 * @example
 * redactMessage('auth failed: {"password": "hunter2"} X-Auth-Token: gAAAAABl...')
 * // -> 'auth failed: {"password": "***"} X-Auth-Token: ***'
 */
export function redactMessage(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text;
  return text
    .replace(PEM_PRIVATE, `-----BEGIN $1PRIVATE KEY----- ${REDACTED}`)
    .replace(QUOTED, `$1"${REDACTED}"`)
    .replace(ASSIGNED, `$1${REDACTED}`)
    .replace(HEADER, `$1${REDACTED}`)
    .replace(AUTHORIZATION, `$1${REDACTED}`)
    .replace(BEARER, `$1${REDACTED}`)
    .replace(FERNET, REDACTED)
    .replace(URL_USERINFO, `$1${REDACTED}@`);
}
