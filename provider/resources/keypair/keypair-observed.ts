/** A keypair as the cloud reports it. Keypairs belong to a user and are addressed by name. */
export interface KeypairObserved {
  /** The name: Nova's API addresses keypairs by name (the numeric id is internal). */
  readonly id: string;
  readonly name: string;
  readonly type: 'ssh' | 'x509';
  readonly fingerprint: string;
  readonly publicKey: string;
  readonly userId?: string;
}

/**
 * Pure: a Nova keypair body (create, show, or a list item unwrapped).
 *
 * @example
 * toKeypairObserved({ name: 'ops', type: 'ssh', fingerprint: 'aa:…', public_key: 'ssh-ed25519 …' })
 */
export function toKeypairObserved(body: Record<string, any>): KeypairObserved {
  return {
    id: String(body.name),
    name: String(body.name),
    // Before 2.2 there is no type and every key is ssh.
    type: body.type === 'x509' ? 'x509' : 'ssh',
    fingerprint: String(body.fingerprint ?? ''),
    publicKey: String(body.public_key ?? ''),
    ...(body.user_id ? { userId: String(body.user_id) } : {}),
  };
}
