import type { Clients } from '../../openstack/openstack-client.ts';
import { isNotFound } from '../../openstack/errors.ts';
import type { ResourceHandler } from '../types.ts';
import { sendAndVerify } from '../unknown-outcome.ts';
import { diffKeypair } from './keypair-diff.ts';
import { keypairFingerprint } from './keypair-fingerprint.ts';
import { toKeypairObserved, type KeypairObserved } from './keypair-observed.ts';
import { normalizeKeypairSpec, type KeypairSpec } from './keypair-spec.ts';

const path = (name: string) => `/os-keypairs/${encodeURIComponent(name)}`;

/**
 * The calling user's keypair named `name`, or undefined (404).
 *
 * @example
 * const ops = await findKeypairByName(clients, 'ops');
 */
export async function findKeypairByName(api: Clients, name: string): Promise<KeypairObserved | undefined> {
  try {
    return toKeypairObserved((await api.compute.get(path(name))).body.keypair);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Deletes the calling user's keypair; 404 is success. */
export async function deleteKeypair(api: Clients, name: string): Promise<void> {
  try {
    await api.compute.delete(path(name));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/**
 * Keypairs. Nova scopes them to the user whose token makes the call, so
 * the handler manages the keypairs of the user novaform authenticates as.
 * Owned by unique name plus the state store (keypairs carry no metadata).
 *
 * - `adopt` reads the keypair by `spec.name`;
 * - `list` returns []: the cloud cannot tell which keypairs a stack owns;
 *   the state store holds their names and the reconciler uses `read`;
 * - `create` imports the public key with its type (compute >= 2.2, within
 *   novaform's minimum 2.53). A transient failure is resolved by reading
 *   the name: the same fingerprint means our create went through;
 * - nothing is mutable: `diff` only yields replaces and `update` refuses
 *   any change; `readiness` is always ready.
 *
 * @example
 * const spec = keypairHandler.normalize({ name: 'ops', publicKey: readFileSync('id_ed25519.pub', 'utf8') });
 * const key = (await keypairHandler.adopt(clients, owner, spec)) ?? (await keypairHandler.create(clients, owner, spec));
 * keypairHandler.diff(spec, key, context); // [] while the fingerprints match
 */
export const keypairHandler: ResourceHandler<KeypairSpec, KeypairObserved> = {
  kind: 'Keypair',

  normalize: normalizeKeypairSpec,

  references: () => [],

  read: (api, id) => findKeypairByName(api, id),

  adopt: (api, _owner, spec) => findKeypairByName(api, spec.name),

  list: async () => [],

  diff: diffKeypair,

  async create(api, _owner, spec) {
    const desired = normalizeKeypairSpec(spec);
    // Computed first: an invalid key fails here with a clear message, before any request.
    const fingerprint = keypairFingerprint(desired.publicKey, desired.type);
    const body = { keypair: { name: desired.name, public_key: desired.publicKey, type: desired.type } };
    return sendAndVerify(
      async () => toKeypairObserved((await api.compute.post('/os-keypairs', body)).body.keypair),
      async () => {
        const found = await findKeypairByName(api, desired.name);
        return found?.fingerprint === fingerprint ? found : undefined;
      },
    );
  },

  async update(_api, observed, _desired, changes) {
    if (changes.length > 0) {
      throw new Error(`keypair ${observed.name} cannot change in place (${changes.map((c) => c.path).join(', ')}): Nova keypairs are immutable, replace it`);
    }
    return observed;
  },

  delete: (api, observed) => deleteKeypair(api, observed.name),

  readiness: () => ({ state: 'ready' }),
};
