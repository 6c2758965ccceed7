import type { Clients } from '../../openstack/openstack-client.ts';
import { isNotFound, isOpenStackError } from '../../openstack/errors.ts';
import { FLAVORS } from '../../openstack/paging.ts';
import { pickOne } from '../adoption.ts';
import { splitMapChanges, splitSetChanges } from '../map-changes.ts';
import type { FieldChange } from '../types.ts';
import { sendAndVerify } from '../unknown-outcome.ts';
import { toFlavorObserved, type FlavorObserved } from './flavor-observed.ts';
import type { NormalizedFlavorSpec } from './flavor-spec.ts';

/** The small flavor calls the handler is made of. Flavor management is admin-only in Nova. */

const path = (id: string) => `/flavors/${encodeURIComponent(id)}`;

/** The access list of a private flavor; undefined when the caller may not read it (403). */
async function readAccess(api: Clients, id: string): Promise<string[] | undefined> {
  try {
    const { body } = await api.compute.get(`${path(id)}/os-flavor-access`);
    return (body?.flavor_access ?? []).map((entry: { tenant_id: string }) => entry.tenant_id);
  } catch (error) {
    if (isOpenStackError(error) && error.status === 403) return undefined;
    throw error;
  }
}

/** What a flavor body leaves out: extra specs below compute 2.61, the access list of a private flavor. */
export interface FlavorGaps {
  readonly extraSpecs: boolean;
  readonly access: boolean;
}

/** The gaps of a flavor body (show or list item). Pure. */
export function flavorGaps(body: Record<string, any>): FlavorGaps {
  return { extraSpecs: body.extra_specs === undefined, access: body['os-flavor-access:is_public'] === false };
}

/** A flavor body with its gaps filled in. */
function complete(api: Clients, body: Record<string, any>): Promise<FlavorObserved> {
  return completeFlavor(api, toFlavorObserved(body), flavorGaps(body));
}

/**
 * Fills in what a listing left out of `flavor` (only those parts: one or
 * two GETs). An access list the caller may not read (403) stays unknown.
 */
export async function completeFlavor(api: Clients, flavor: FlavorObserved, gaps: FlavorGaps): Promise<FlavorObserved> {
  if (!gaps.extraSpecs && !gaps.access) return flavor;
  const specs = gaps.extraSpecs ? (await api.compute.get(`${path(flavor.id)}/os-extra_specs`)).body?.extra_specs ?? {} : flavor.extraSpecs;
  const access = gaps.access ? await readAccess(api, flavor.id) : undefined;
  return {
    ...flavor,
    extraSpecs: Object.fromEntries(Object.entries(specs as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
    ...(access !== undefined ? { access: [...access].sort() } : {}),
  };
}

/**
 * The flavor with this id, or undefined (404).
 *
 * @example
 * const flavor = await readFlavor(clients, 'a3c1…');
 */
export async function readFlavor(api: Clients, id: string): Promise<FlavorObserved | undefined> {
  try {
    const { body } = await api.compute.get(path(id));
    return await complete(api, body.flavor);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * The flavor named `name` (public or private), or undefined. Nova keeps
 * names unique, but a name filter only exists from 2.102, so this reads
 * the whole listing; two matches (a cloud with legacy duplicates) throw.
 *
 * @example
 * const small = await findFlavorByName(clients, 'm1.small');
 */
export async function findFlavorByName(api: Clients, name: string): Promise<FlavorObserved | undefined> {
  const matches: Array<Record<string, any>> = [];
  for await (const flavor of api.compute.list(FLAVORS, { query: { is_public: 'None' } })) {
    if (flavor.name === name) matches.push(flavor);
  }
  const match = pickOne(matches.map((m) => ({ ...m, id: String(m.id) })), `flavor name '${name}'`);
  return match && complete(api, match);
}

/** `POST /flavors` body: sizes, visibility and (from 2.55) description; extra specs and access need calls of their own. */
export function flavorCreateBody(spec: NormalizedFlavorSpec, withDescription: boolean): Record<string, unknown> {
  return {
    flavor: {
      name: spec.name,
      vcpus: spec.vcpus,
      ram: spec.ram,
      disk: spec.disk,
      'OS-FLV-EXT-DATA:ephemeral': spec.ephemeral,
      swap: spec.swap,
      'os-flavor-access:is_public': spec.isPublic,
      ...(withDescription && spec.description !== undefined ? { description: spec.description } : {}),
    },
  };
}

/**
 * Creates the bare flavor with one POST, never re-sent: an unknown outcome
 * is thrown, and the next run finds the flavor by the journal's intent.
 */
export async function postFlavor(api: Clients, spec: NormalizedFlavorSpec): Promise<FlavorObserved> {
  const body = flavorCreateBody(spec, api.compute.atLeast(2, 55));
  return toFlavorObserved((await api.compute.post('/flavors', body)).body.flavor);
}

/** Sets and removes extra-spec keys (the merge POST is idempotent; a key already gone counts as removed). */
export async function setFlavorExtraSpecs(api: Clients, id: string, set: Record<string, string>, remove: readonly string[]): Promise<void> {
  if (Object.keys(set).length > 0) {
    await api.compute.post(`${path(id)}/os-extra_specs`, { extra_specs: set }, { idempotent: true });
  }
  for (const key of remove) {
    try {
      await api.compute.delete(`${path(id)}/os-extra_specs/${encodeURIComponent(key)}`);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

/** Grants or revokes one project; a transient failure is checked against the access list before re-sending. */
async function changeAccess(api: Clients, id: string, project: string, grant: boolean): Promise<void> {
  const action = grant ? 'addTenantAccess' : 'removeTenantAccess';
  const done = async () => ((await readAccess(api, id))?.includes(project) === grant ? true : undefined);
  try {
    await sendAndVerify(async () => { await api.compute.post(`${path(id)}/action`, { [action]: { tenant: project } }); return true; }, done);
  } catch (error) {
    // Revoking what is not granted is done already.
    if (!grant && isNotFound(error)) return;
    throw error;
  }
}

/**
 * Applies description, extra-spec and access changes (no replace). Extra
 * specs are set in one merge POST (idempotent: it only sets values) and
 * removed key by key; a key already gone counts as removed.
 */
export async function applyFlavorChanges(api: Clients, id: string, changes: readonly FieldChange[]): Promise<void> {
  const description = changes.find((c) => c.path === 'spec.description');
  if (description) await api.compute.put(path(id), { flavor: { description: description.to ?? null } });

  const specs = splitMapChanges('spec.extraSpecs', changes);
  await setFlavorExtraSpecs(api, id, specs.set, specs.remove);

  const access = splitSetChanges('spec.access', changes);
  for (const project of access.remove) await changeAccess(api, id, project, false);
  for (const project of access.add) await changeAccess(api, id, project, true);
}

/** Deletes the flavor; 404 is success. Servers keep their copy of it. */
export async function deleteFlavor(api: Clients, id: string): Promise<void> {
  try {
    await api.compute.delete(path(id));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
