import { createHash } from 'node:crypto';
import { kindModule } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';

/**
 * A digest of a cloud object as a plan read it, so `apply PLANFILE` can
 * tell "the cloud changed since the plan" from "nothing moved". Only the
 * fields that decide a plan count: timestamps (`updated`), the host a
 * server runs on (a live migration changes no plan), the numeric power
 * state (the status says it): each kind module's `volatileFields`; its
 * `digestView` hashes secrets (user data) first, so the plan file never
 * holds anything derived 1:1 from a secret but a digest.
 */

/** JSON with sorted keys and no undefined values, so the digest does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * `sha256:<hex>` of the fields of `observed` that matter to a plan.
 *
 * @example
 * observedDigest('Server', server) === observedDigest('Server', { ...server, updated: 'later' }) // true
 */
export function observedDigest(kind: Kind, observed: { id: string } & Record<string, unknown>): string {
  const module = kindModule(kind);
  const relevant: Record<string, unknown> = { ...(module.digestView ? module.digestView(observed) : observed) };
  for (const field of module.volatileFields) delete relevant[field];
  return `sha256:${sha256(canonicalJson(relevant))}`;
}
