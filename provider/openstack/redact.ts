import { createHash } from 'node:crypto';

/**
 * Redaction of secrets for debug logs. Secrets (passwords, tokens, adminPass,
 * private keys, application credential secrets) MUST never reach a log line
 * in clear text. user_data is redacted too: cloud-init user data routinely
 * carries passwords and keys, and it is base64 so a reader cannot tell.
 */

export const REDACTED = '***';

/** JSON keys whose string values are secrets (compared lower-case). */
const SECRET_KEYS = new Set([
  'password', 'original_password', 'new_password', 'adminpass', 'admin_pass', 'admin_password',
  'private_key', 'secret', 'user_data', 'token', 'auth_token', 'passcode', 'access_token', 'refresh_token',
  'client_secret',
]);

/** Headers carrying credentials; shown as a short hash so lines can still be correlated. */
const SECRET_HEADERS = new Set(['x-auth-token', 'x-subject-token', 'x-service-token', 'authorization', 'cookie', 'set-cookie']);

/** Namespaced keys count by their last part: Nova's `OS-EXT-SRV-ATTR:user_data` is user_data. */
function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.slice(key.lastIndexOf(':') + 1).toLowerCase());
}

/** `{SHA256}` and 16 hex digits of the value's hash, as keystoneauth logs tokens. */
export function hashSecret(value: string): string {
  return `{SHA256}${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

/**
 * A deep copy of `value` with secret fields replaced by `***`. A Keystone
 * `"token": {"id": ...}` (token auth request) loses its id; other objects
 * under secret keys are walked, not dropped, so token bodies stay readable.
 *
 * @example
 * redactJson({ auth: { identity: { password: { user: { name: 'a', password: 's' } } } } })
 * // -> { auth: { identity: { password: { user: { name: 'a', password: '***' } } } } }
 */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (isSecretKey(key) && (typeof inner === 'string' || typeof inner === 'number')) out[key] = REDACTED;
    else if (key.toLowerCase() === 'token' && typeof inner === 'object' && inner !== null && !Array.isArray(inner)) {
      const walked = redactJson(inner) as Record<string, unknown>;
      if (typeof walked.id === 'string') walked.id = REDACTED;
      out[key] = walked;
    } else out[key] = redactJson(inner);
  }
  return out;
}

/** Safety net for bodies that are not valid JSON: `"password": "x"` -> `"password": "***"`. */
function redactJsonLikeText(text: string): string {
  return text.replace(/"([A-Za-z_:-]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g, (match, key: string, sep: string) =>
    isSecretKey(key) ? `"${key}"${sep}"${REDACTED}"` : match);
}

/**
 * A loggable form of a body: JSON is parsed and redacted; other text goes
 * through the pattern safety net and is cut at `maxChars`.
 */
export function redactBody(text: string, maxChars = 4096): string {
  if (text === '') return '';
  let out: string;
  try {
    out = JSON.stringify(redactJson(JSON.parse(text)));
  } catch {
    out = redactJsonLikeText(text);
  }
  return out.length > maxChars ? `${out.slice(0, maxChars)}... (${out.length} chars)` : out;
}

/** Headers as `Name: value` pairs with credentials hashed. */
export function redactHeaders(headers: Iterable<[string, string]>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, value] of headers) out.push([name, SECRET_HEADERS.has(name.toLowerCase()) ? hashSecret(value) : value]);
  return out;
}
