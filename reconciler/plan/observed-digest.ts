import { createHash } from 'node:crypto';
import type { Kind } from '../../provider/resources/types.ts';

/**
 * A digest of a cloud object as a plan read it, so `apply PLANFILE` can
 * tell "the cloud changed since the plan" from "nothing moved". Only the
 * fields that decide a plan count: timestamps (`updated`), the host a
 * server runs on (a live migration changes no plan), the numeric power
 * state (the status says it) and addresses (the network names count, IPs
 * do not) are left out. User data is hashed first: the plan file never
 * holds anything derived 1:1 from a secret but a digest.
 */

/** Fields that change without changing any plan. */
const VOLATILE: Readonly<Record<Kind, readonly string[]>> = {
  Server: ['updated', 'created', 'host', 'powerState'],
  Volume: ['updated_at', 'created_at'],
  Flavor: [],
  Keypair: ['userId'],
  Aggregate: [],
};

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
  const relevant: Record<string, unknown> = { ...observed };
  for (const field of VOLATILE[kind]) delete relevant[field];
  if (kind === 'Server') {
    const addresses = relevant.addresses;
    if (addresses && typeof addresses === 'object') relevant.addresses = Object.keys(addresses).sort();
    if (typeof relevant.userData === 'string') relevant.userData = `sha256:${sha256(relevant.userData)}`;
  }
  return `sha256:${sha256(canonicalJson(relevant))}`;
}
