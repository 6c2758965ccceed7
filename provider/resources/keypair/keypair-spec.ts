/**
 * A Keypair manifest's spec, resolved: `publicKeyFile` has been read by the
 * manifest loader into `publicKey`. novaform never asks Nova to generate a
 * key: the private key would be a secret in novaform's output, and from
 * compute 2.92 Nova refuses anyway.
 */
export interface KeypairSpec {
  /** The keypair's name in Nova (per user): the manifest's metadata.name. */
  readonly name: string;
  /** An OpenSSH public key line, or a PEM certificate for x509. */
  readonly publicKey: string;
  /** Default 'ssh'. */
  readonly type?: 'ssh' | 'x509';
  readonly deletionPolicy?: 'Delete' | 'Retain';
}

export type NormalizedKeypairSpec = KeypairSpec & { readonly type: 'ssh' | 'x509' };

/**
 * Default type ssh, surrounding whitespace trimmed (the fingerprint, not the
 * text, is what the diff compares). Pure.
 *
 * @example
 * normalizeKeypairSpec({ name: 'ops', publicKey: 'ssh-ed25519 AAAA… ops\n' }).type // 'ssh'
 */
export function normalizeKeypairSpec(spec: KeypairSpec): NormalizedKeypairSpec {
  return { ...spec, publicKey: spec.publicKey.trim(), type: spec.type ?? 'ssh' };
}
