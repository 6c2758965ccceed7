import { isSecretField, redactForState, redactMessage, secretDigest } from './state-redact.ts';

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
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactMessage(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const entries = Object.entries(v as Record<string, unknown>);
    const path = (v as { path?: unknown }).path;
    const secretChange = typeof path === 'string' && isSecretField(path.slice(path.lastIndexOf('.') + 1));
    return Object.fromEntries(entries.map(([k, inner]) => [k,
      secretChange && (k === 'from' || k === 'to') && inner !== null && inner !== undefined ? secretDigest(inner) : walk(inner)]));
  };
  return walk(redactForState(value)) as T;
}
