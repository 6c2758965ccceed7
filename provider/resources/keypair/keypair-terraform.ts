import type { KeypairManifestSpec } from '../../../schemas/spec-types.ts';
import type { TerraformMapping, TerraformNote } from '../terraform-mapping.ts';
import type { KeypairObserved } from './keypair-observed.ts';
import { unstampedPublicKey } from './keypair-stamp.ts';

/**
 * A Keypair as `openstack_compute_keypair_v2` (name, public_key). Pure.
 *
 * public_key is ForceNew and read back on import, and the cloud holds the
 * key with novaform's ownership comment (keypair-stamp.ts): when the cloud's
 * key is the manifest's key, the export writes it as the cloud stores it,
 * so adopting it replaces nothing. Import id: the name (Nova addresses
 * keypairs by name).
 *
 * @example
 * keypairTerraform.toTerraform({ name: 'ops', spec: { publicKey: 'ssh-ed25519 AAAA… ops' } }, undefined, context).resources[0].attributes
 * // { name: 'ops', public_key: 'ssh-ed25519 AAAA… ops' }
 */
export const keypairTerraform: TerraformMapping<KeypairManifestSpec, KeypairObserved> = {
  resourceType: 'openstack_compute_keypair_v2',
  toTerraform({ name, spec }, observed) {
    const type = spec.type ?? 'ssh';
    const declared = spec.publicKey.trim();
    const same = observed !== undefined && unstampedPublicKey(observed.publicKey, type) === unstampedPublicKey(declared, type);
    const notes: TerraformNote[] = [];
    if (same && observed.publicKey.trim() !== declared) {
      notes.push({ field: 'spec.publicKey', reason: 'written as the cloud stores it, with novaform\'s ownership comment: public_key is ForceNew, so the manifest\'s text would replace the keypair' });
    }
    if (type === 'x509') {
      notes.push({ field: 'spec.type', reason: 'openstack_compute_keypair_v2 has no type attribute: it creates ssh keypairs only, so Terraform cannot create this x509 keypair again (adopting it works)' });
    }
    return {
      resources: [{
        type: 'openstack_compute_keypair_v2',
        suffix: '',
        attributes: { name, public_key: same ? observed.publicKey.trim() : declared },
        ...(observed ? { importId: observed.id } : {}),
      }],
      notes,
    };
  },
};
