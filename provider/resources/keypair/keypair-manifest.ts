import type { KeypairManifestSpec } from '../../../schemas/spec-types.ts';
import { described, type DescribedObject } from '../to-manifest.ts';
import type { KeypairObserved } from './keypair-observed.ts';
import { keyProblem } from './keypair-public-key.ts';
import { unstampedPublicKey } from './keypair-stamp.ts';

/** A Keypair manifest's metadata.name (schemas/keypair.schema.json: Nova 2.92's rule). */
const KEYPAIR_NAME = /^[a-zA-Z0-9@._\- ]+$/;

/**
 * Pure: the Keypair manifest spec that declares `observed` (the module's
 * `toManifest`): the public key without novaform's stamp, and the type
 * only when it is x509. A keypair whose name or key a manifest refuses
 * (names older Nova allowed, a key the checks reject) is unexpressible.
 *
 * @example
 * keypairToManifest({ id: 'ops', name: 'ops', type: 'ssh', fingerprint: 'aa:…', publicKey: 'ssh-ed25519 AAAA… me novaform:stack=s novaform:name=ops' })
 * // { name: 'ops', spec: { publicKey: 'ssh-ed25519 AAAA… me' }, notes: [] }
 */
export function keypairToManifest(observed: KeypairObserved): DescribedObject<KeypairManifestSpec> {
  if (!KEYPAIR_NAME.test(observed.name)) {
    return { unexpressible: `keypair ${JSON.stringify(observed.name)}: a Keypair manifest's name has only letters, digits, space and @ . _ - (Nova 2.92)` };
  }
  const publicKey = unstampedPublicKey(observed.publicKey, observed.type);
  const problem = keyProblem(publicKey, observed.type);
  if (problem) return { unexpressible: `keypair ${observed.name}: its public key is refused by a manifest's checks: ${problem.message}` };
  return described(observed.name, { publicKey, ...(observed.type === 'x509' ? { type: 'x509' as const } : {}) });
}
