import type { ServerGroupManifestSpec, ServerGroupPolicy } from '../../../schemas/spec-types.ts';
import { described, manifestNameProblem, type DescribedObject } from '../to-manifest.ts';
import type { ServerGroupObserved } from './server-group-observed.ts';

/** The policies a ServerGroup manifest may name (schemas/server-group.schema.json). */
const POLICIES: readonly string[] = ['affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'] satisfies ServerGroupPolicy[];

/**
 * Pure: the ServerGroup manifest spec that declares `observed` (the
 * module's `toManifest`): its policy, and its rules only when it has
 * some. Its members are not part of it: servers name their group.
 *
 * @example
 * serverGroupToManifest({ id: 'g1', name: 'web', policy: 'anti-affinity', rules: { maxServerPerHost: 2 }, members: [] })
 * // { name: 'web', spec: { policy: 'anti-affinity', rules: { maxServerPerHost: 2 } }, notes: [] }
 */
export function serverGroupToManifest(observed: ServerGroupObserved): DescribedObject<ServerGroupManifestSpec> {
  const nameProblem = manifestNameProblem(observed.name);
  if (nameProblem) return { unexpressible: `server group ${observed.id}: ${nameProblem}` };
  if (!POLICIES.includes(observed.policy)) {
    return { unexpressible: `server group ${observed.id}: its policy ${JSON.stringify(observed.policy)} is none a manifest can name (${POLICIES.join(', ')})` };
  }
  const max = observed.rules.maxServerPerHost;
  return described(observed.name, { policy: observed.policy as ServerGroupPolicy, ...(max !== undefined ? { rules: { maxServerPerHost: max } } : {}) });
}
