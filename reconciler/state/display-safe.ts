import { isSecretField, redactMessage, secretDigest } from './state-redact.ts';

/**
 * Display-safe values: what the controller's records (status, events,
 * approvals, suspend marks) hold in every backend, so a file, a row or
 * `novaform status` never shows a secret. One definition for the files and
 * the PostgreSQL stores (controller-records.ts).
 *
 * Rules:
 * - Secret-named fields (state-redact.ts `isSecretField`) become `sha256:`
 *   digests, as in state.
 * - A change `{ path, from, to }` whose last path segment is secret-named
 *   keeps `from` and `to` only as digests.
 * - Every other string goes through `redactMessage` (a git URL with a
 *   password, a cloud error quoting a token).
 */

/**
 * @example
 * displaySafe({ message: 'auth failed: {"password": "hunter2"}', changes: [{ path: 'spec.adminPass', from: 'a', to: 'b' }] })
 * // message redacted, from/to as sha256: digests
 */
export function displaySafe<T>(value: T): T {
  return walk(value) as T;
}

/** One copy with both rules (a 10,000-resource status is written on every controller pass). */
function walk(v: unknown): unknown {
  if (typeof v === 'string') return redactMessage(v);
  if (Array.isArray(v)) return v.map(walk);
  if (typeof v !== 'object' || v === null) return v;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return walk(JSON.parse(JSON.stringify(v)));
  const path = (v as { path?: unknown }).path;
  const secretChange = typeof path === 'string' && isSecretField(path.slice(path.lastIndexOf('.') + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(v)) {
    const secret = isSecretField(key) || (secretChange && (key === 'from' || key === 'to'));
    out[key] = secret && inner !== null && inner !== undefined ? secretDigest(inner) : walk(inner);
  }
  return out;
}
