import type { ServerGroupManifestSpec } from '../../../schemas/spec-types.ts';
import { isNotFound } from '../../openstack/errors.ts';
import type { Clients } from '../../openstack/openstack-client.ts';
import { listAll, type Collection } from '../../openstack/paging.ts';
import type { KindModule } from '../kind.ts';
import { diffServerGroup } from './server-group-diff.ts';
import { serverGroupToManifest } from './server-group-manifest.ts';
import { toServerGroupObserved, type ServerGroupObserved } from './server-group-observed.ts';
import { normalizeServerGroupSpec, type ServerGroupSpec } from './server-group-spec.ts';
import { serverGroupTerraform } from './server-group-terraform.ts';

const SERVER_GROUPS: Collection = { path: '/os-server-groups', itemsKey: 'server_groups' };
const path = (id: string) => `/os-server-groups/${encodeURIComponent(id)}`;

/** The group with this id, or undefined (404). */
async function readServerGroup(api: Clients, id: string): Promise<ServerGroupObserved | undefined> {
  try {
    return toServerGroupObserved((await api.compute.get(path(id))).body.server_group);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** POST /os-server-groups: `policy` and `rules` from 2.64, `policies: [policy]` before (where rules do not exist). */
export function serverGroupCreateBody(spec: ServerGroupSpec, atLeast: (major: number, minor: number) => boolean): Record<string, unknown> {
  if (atLeast(2, 64)) {
    const rules = spec.rules.maxServerPerHost !== undefined ? { max_server_per_host: spec.rules.maxServerPerHost } : {};
    return { server_group: { name: spec.name, policy: spec.policy, rules } };
  }
  if (spec.rules.maxServerPerHost !== undefined) throw new Error(`server group ${spec.name}: rules need compute 2.64, this cloud offers less`);
  return { server_group: { name: spec.name, policies: [spec.policy] } };
}

/**
 * Server groups (Nova os-server-groups): a scheduling policy for the
 * servers that name the group. Immutable (a change is a replace), names
 * not unique, and no metadata: Nova keeps nothing a stamp could live in,
 * so a group is ours only with evidence in the state store or the journal
 * (like an x509 keypair). A lost state store shows a declared group as
 * "not ours": take it back with `import: {id: …}`.
 *
 * @example
 * const spec = serverGroupHandler.fromManifest('web-spread', { policy: 'anti-affinity' }, resolve);
 * const { id } = await serverGroupHandler.create(clients, owner, spec);
 */
export const serverGroupHandler: KindModule<ServerGroupSpec, ServerGroupObserved, ServerGroupManifestSpec> = {
  kind: 'ServerGroup',
  noun: 'server group',
  rank: 4,
  holdsData: false,
  uniqueNames: false,
  serializesPlacement: true,
  volatileFields: ['members'],

  listAll: async (api) => (await listAll<Record<string, any>>(api.compute, SERVER_GROUPS)).map(toServerGroupObserved),

  stamp: () => undefined,

  references: () => [],

  fromManifest: (name, spec) => normalizeServerGroupSpec({
    name, policy: spec.policy, rules: spec.rules ?? {}, ...(spec.deletionPolicy !== undefined ? { deletionPolicy: spec.deletionPolicy } : {}),
  }),

  // A group counts one server_groups quota item; its members count server_group_members when servers join.
  quotaDemand: async (step) => (step.action === 'create' || step.action === 'replace' ? { needs: { server_groups: step.action === 'create' ? 1 : 0 } } : undefined),

  toManifest: serverGroupToManifest,

  terraform: serverGroupTerraform,

  normalize: normalizeServerGroupSpec,

  specReferences: () => [],

  read: readServerGroup,

  diff: diffServerGroup,

  async create(api, _owner, spec) {
    const body = serverGroupCreateBody(normalizeServerGroupSpec(spec), (major, minor) => api.computeVersion.atLeast(major, minor));
    const observed = toServerGroupObserved((await api.compute.post('/os-server-groups', body)).body.server_group);
    return { id: observed.id, observed };
  },

  async update(_api, observed, _desired, changes) {
    if (changes.length > 0) {
      throw new Error(`server group ${observed.name} cannot change in place (${changes.map((c) => c.path).join(', ')}): Nova server groups are immutable, replace it`);
    }
    return observed;
  },

  async delete(api, observed) {
    try {
      await api.compute.delete(path(observed.id));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  },

  readiness: () => ({ state: 'ready' }),
};
