import { isNotFound } from '../../openstack/errors.ts';
import type { Clients } from '../../openstack/openstack-client.ts';
import { SERVERS } from '../../openstack/paging.ts';
import { AdoptionConflictError } from '../adoption.ts';
import { isOwnedBy, OWNER_NAME_KEY, OWNER_STACK_KEY, type Owner } from '../types.ts';
import { toServerObserved, type ServerObserved } from './server-observed.ts';

/**
 * Reading servers: one server by id, and the servers a stack owns, found
 * by the ownership metadata set in the create request (types.ts).
 */

/** More than one server carries the same ownership: novaform will not guess which one is the stack's. */
export class AmbiguousOwnershipError extends AdoptionConflictError {
  constructor(readonly owner: Owner, ids: readonly string[]) {
    super(`server ${owner.name} of stack ${owner.stack}`, ids,
      `${ids.length} servers carry the ownership of ${owner.kind} '${owner.name}' in stack '${owner.stack}' ` +
      `(metadata ${OWNER_STACK_KEY}=${owner.stack}, ${OWNER_NAME_KEY}=${owner.name}): ${ids.join(', ')}. ` +
      'Delete the extra servers (or remove their ownership metadata) and run again.',
    );
    this.name = 'AmbiguousOwnershipError';
  }
}

/** A server that Nova still lists but that is on its way out (a soft-deleted or deleted row). */
function isDeleted(observed: ServerObserved): boolean {
  return observed.status === 'DELETED' || observed.status === 'SOFT_DELETED' || observed.vmState === 'deleted';
}

/** GET /servers/{id}; undefined when it is gone (404, or a DELETED row). */
export async function readServer(api: Clients, id: string): Promise<ServerObserved | undefined> {
  try {
    const { body } = await api.compute.get(`/servers/${encodeURIComponent(id)}`);
    const observed = toServerObserved(body);
    return isDeleted(observed) ? undefined : observed;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Every server of the project that `stack` owns (one paged listing of
 * /servers/detail; Nova has no metadata filter), deleted ones left out.
 */
export async function listOwnedServers(api: Clients, stack: string): Promise<Array<{ owner: Owner; observed: ServerObserved }>> {
  const out: Array<{ owner: Owner; observed: ServerObserved }> = [];
  for await (const item of api.compute.list(SERVERS)) {
    const observed = toServerObserved(item);
    if (isDeleted(observed) || !isOwnedBy(observed.metadata, stack)) continue;
    const name = observed.metadata[OWNER_NAME_KEY];
    if (name === undefined) continue;
    out.push({ owner: { stack, kind: 'Server', name }, observed });
  }
  return out;
}

/**
 * The server this stack created earlier for `owner`, if any. More than one
 * MUST NOT be guessed between: throws `AmbiguousOwnershipError`.
 */
export async function adoptServer(api: Clients, owner: Owner): Promise<ServerObserved | undefined> {
  const matches = (await listOwnedServers(api, owner.stack)).filter((m) => m.owner.name === owner.name);
  if (matches.length > 1) throw new AmbiguousOwnershipError(owner, matches.map((m) => m.observed.id));
  return matches[0]?.observed;
}
