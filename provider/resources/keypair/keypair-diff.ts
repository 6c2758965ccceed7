import type { DiffContext, FieldChange } from '../types.ts';
import { keypairFingerprint } from './keypair-fingerprint.ts';
import type { KeypairObserved } from './keypair-observed.ts';
import { normalizeKeypairSpec, type KeypairSpec } from './keypair-spec.ts';

/**
 * Pure: Nova cannot change a keypair, so every difference is a replace.
 * The key is compared by fingerprint (computed from the manifest's key as
 * Nova does), so a reformatted key or another comment is no change; the
 * change shows fingerprints, not key text. dataLoss is false: servers keep
 * the key injected at boot, and the keypair holds no other data.
 *
 * @throws InvalidPublicKeyError when the manifest's key is not a key of its type.
 */
export function diffKeypair(desiredSpec: KeypairSpec, observed: KeypairObserved, _context?: DiffContext): FieldChange[] {
  const desired = normalizeKeypairSpec(desiredSpec);
  const changes: FieldChange[] = [];
  if (desired.name !== observed.name) changes.push({ path: 'metadata.name', from: observed.name, to: desired.name, apply: 'replace', dataLoss: false });
  if (desired.type !== observed.type) changes.push({ path: 'spec.type', from: observed.type, to: desired.type, apply: 'replace', dataLoss: false });
  const fingerprint = keypairFingerprint(desired.publicKey, desired.type);
  if (fingerprint !== observed.fingerprint) {
    changes.push({ path: 'spec.publicKey', from: observed.fingerprint, to: fingerprint, apply: 'replace', dataLoss: false });
  }
  return changes;
}
