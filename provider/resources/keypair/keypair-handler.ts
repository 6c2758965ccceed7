import type { Clients } from '../../openstack/openstack-client.ts';
import { isNotFound } from '../../openstack/errors.ts';
import { KEYPAIRS, listAll } from '../../openstack/paging.ts';
import type { KeypairManifestSpec } from '../../../schemas/spec-types.ts';
import type { KindModule } from '../kind.ts';
import { keypairStamp, stampedPublicKey } from './keypair-stamp.ts';
import { diffKeypair } from './keypair-diff.ts';
import { keypairFingerprint } from './keypair-fingerprint.ts';
import { keypairToManifest } from './keypair-manifest.ts';
import { checkKeypairManifest, PUBLIC_KEY_FILE } from './keypair-public-key.ts';
import { toKeypairObserved, type KeypairObserved } from './keypair-observed.ts';
import { normalizeKeypairSpec, type KeypairSpec } from './keypair-spec.ts';
import { keypairTerraform } from './keypair-terraform.ts';

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
 * the module manages the keypairs of the user novaform authenticates as.
 * Ownership: the stamp in an ssh key's comment (keypair-stamp.ts); an x509
 * keypair carries none and is ours only with evidence in state.
 *
 * - `create` imports the public key with its type (compute >= 2.2, within
 *   novaform's minimum 2.53) and the stamp, once;
 * - nothing is mutable: `diff` only yields replaces and `update` refuses
 *   any change; `readiness` is always ready.
 *
 * @example
 * const spec = keypairHandler.fromManifest('ops', { publicKey: readFileSync('id_ed25519.pub', 'utf8') }, resolve);
 * const { id } = await keypairHandler.create(clients, owner, spec);
 * keypairHandler.diff(spec, (await keypairHandler.read(clients, id))!, context); // [] while the fingerprints match
 */
export const keypairHandler: KindModule<KeypairSpec, KeypairObserved, KeypairManifestSpec> = {
  kind: 'Keypair',
  noun: 'keypair',
  rank: 1,
  holdsData: false,
  uniqueNames: true,
  volatileFields: ['userId'],

  listAll: async (api) => listAll<Record<string, any>>(api.compute, KEYPAIRS).then((items) => items.map(toKeypairObserved)),

  stamp: (observed) => keypairStamp(observed.publicKey),

  references: () => [],

  fromManifest: (name, spec) => normalizeKeypairSpec({ name, publicKey: spec.publicKey, ...(spec.type !== undefined ? { type: spec.type } : {}), ...(spec.deletionPolicy !== undefined ? { deletionPolicy: spec.deletionPolicy } : {}) }),

  toManifest: keypairToManifest,
  terraform: keypairTerraform,

  normalize: normalizeKeypairSpec,

  specReferences: () => [],

  read: (api, id) => findKeypairByName(api, id),

  diff: diffKeypair,

  async create(api, owner, spec) {
    const desired = normalizeKeypairSpec(spec);
    // Computed first: an invalid key fails here with a clear message, before any request.
    keypairFingerprint(desired.publicKey, desired.type);
    const body = { keypair: { name: desired.name, public_key: stampedPublicKey(desired.publicKey, desired.type, owner), type: desired.type } };
    const observed = toKeypairObserved((await api.compute.post('/os-keypairs', body)).body.keypair);
    return { id: observed.id, observed };
  },

  async update(_api, observed, _desired, changes) {
    if (changes.length > 0) {
      throw new Error(`keypair ${observed.name} cannot change in place (${changes.map((c) => c.path).join(', ')}): Nova keypairs are immutable, replace it`);
    }
    return observed;
  },

  delete: (api, observed) => deleteKeypair(api, observed.name),

  readiness: () => ({ state: 'ready' }),

  manifestFiles: [PUBLIC_KEY_FILE],

  checkManifest: checkKeypairManifest,

  // A replace deletes the old keypair first: only a create takes a key pair.
  quotaDemand: async (step) => (step.action === 'create' ? { needs: { key_pairs: 1 } } : undefined),
};
