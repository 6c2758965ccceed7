import { OWNER_NAME_KEY, OWNER_RETAIN_KEY, OWNER_STACK_KEY, type Owner, type OwnershipStamp } from '../types.ts';

/**
 * Ownership of an ssh keypair, kept in the cloud. Nova keeps no metadata
 * on keypairs, but it stores the public key text as sent, and the text
 * after an OpenSSH key's type and base64 blob is a free comment that no
 * fingerprint covers. novaform appends its stamp to that comment
 * (`novaform:stack=web novaform:name=ops`, plus `novaform:retain=true`),
 * so a lost state store still knows which keypairs are ours.
 *
 * An x509 keypair has no comment: it is ours only with evidence in the
 * state store or the journal.
 */

const STAMP_TOKEN = /^novaform:(stack|name|retain|imported)=(\S+)$/;

/**
 * The public key to send: the manifest's key with the stamp appended to
 * its comment (the manifest's own comment is kept before it). x509 keys
 * are sent unchanged. Pure.
 *
 * @example
 * stampedPublicKey('ssh-ed25519 AAAAC3Nz… alice@laptop', 'ssh', { stack: 'web', kind: 'Keypair', name: 'ops' })
 * // 'ssh-ed25519 AAAAC3Nz… alice@laptop novaform:stack=web novaform:name=ops'
 */
export function stampedPublicKey(publicKey: string, type: 'ssh' | 'x509', owner: Owner): string {
  if (type !== 'ssh') return publicKey;
  const [keyType, blob, ...comment] = publicKey.trim().split(/\s+/);
  const own = comment.filter((token) => !STAMP_TOKEN.test(token));
  const stamp = [`${OWNER_STACK_KEY}=${owner.stack}`, `${OWNER_NAME_KEY}=${owner.name}`, ...(owner.deletionPolicy === 'Retain' ? [`${OWNER_RETAIN_KEY}=true`] : [])];
  return [keyType, blob, ...own, ...stamp].join(' ');
}

/**
 * The stamp an observed public key carries, if any. Pure.
 *
 * @example
 * keypairStamp('ssh-ed25519 AAAA… novaform:stack=web novaform:name=ops') // { stack: 'web', name: 'ops', retain: false }
 */
export function keypairStamp(publicKey: string): OwnershipStamp | undefined {
  const found: Record<string, string> = {};
  for (const token of publicKey.trim().split(/\s+/).slice(2)) {
    const match = STAMP_TOKEN.exec(token);
    if (match) found[match[1]!] = match[2]!;
  }
  if (found.stack === undefined || found.name === undefined) return undefined;
  return { stack: found.stack, name: found.name, retain: found.retain === 'true', imported: found.imported === 'true' };
}

/**
 * The public key without novaform's stamp: the key as a manifest writes it
 * (the owner's own comment kept). x509 keys carry no stamp. Pure.
 *
 * @example
 * unstampedPublicKey('ssh-ed25519 AAAA… alice@laptop novaform:stack=web novaform:name=ops', 'ssh') // 'ssh-ed25519 AAAA… alice@laptop'
 */
export function unstampedPublicKey(publicKey: string, type: 'ssh' | 'x509'): string {
  if (type !== 'ssh') return publicKey.trim();
  const [keyType = '', blob = '', ...comment] = publicKey.trim().split(/\s+/);
  return [keyType, blob, ...comment.filter((token) => !STAMP_TOKEN.test(token))].filter((part) => part !== '').join(' ');
}
