import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { EngineContext } from '../../engine-context.ts';
import { badRequest, conflict, forbidden, notFound } from '../../http/api-error.ts';
import { projectLimits } from '../quotas/quota-service.ts';
import type { Keypair } from '../compute-model.ts';
import { InvalidSshKey, sshFingerprint, sshRsaBlob } from './ssh-public-key.ts';
import { generateX509Keypair, InvalidCertificate, x509Fingerprint } from './x509-keypair.ts';

/**
 * nova/compute/api.py `KeypairAPI`: quota first, then the key (imported or
 * generated), then the per-user uniqueness of the name.
 */

export type KeyType = 'ssh' | 'x509';

export const keypairStoreId = (userId: string, name: string) => `${userId}/${name}`;

/** The user's keypair `name`, else 404 "Keypair X not found for user Y". */
export function findKeypair(ctx: EngineContext, userId: string, name: string): Keypair {
  const keypair = ctx.store.keypairs.get(keypairStoreId(userId, name));
  if (!keypair) throw notFound(`Keypair ${name} not found for user ${userId}`);
  return keypair;
}

/** The user's keypairs sorted by name, as `KeyPairList.get_by_user` returns them. */
export function keypairsOf(ctx: EngineContext, userId: string): Keypair[] {
  return ctx.store.keypairs.filter((k) => k.userId === userId).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * 403 "Quota exceeded, too many key pairs." when `userId` already has the
 * `key_pairs` limit of the caller's project (-1 = unlimited).
 */
export function assertKeypairQuota(ctx: EngineContext, projectId: string, userId: string): void {
  const limit = projectLimits(ctx, 'compute', projectId).key_pairs ?? -1;
  if (limit >= 0 && keypairsOf(ctx, userId).length + 1 > limit) throw forbidden('Quota exceeded, too many key pairs.');
}

/** The fingerprint of an imported key, or Nova's 400 "Keypair data is invalid: ...". */
export function fingerprintOf(publicKey: string, type: KeyType): string {
  try {
    return type === 'ssh' ? sshFingerprint(publicKey) : x509Fingerprint(publicKey);
  } catch (error) {
    if (error instanceof InvalidSshKey) throw badRequest('Keypair data is invalid: failed to generate fingerprint');
    if (error instanceof InvalidCertificate) {
      throw badRequest(`Keypair data is invalid: failed to generate X509 fingerprint. Error message: ${error.message}`);
    }
    throw error;
  }
}

export interface GeneratedKey {
  publicKey: string;
  privateKey: string;
  fingerprint: string;
}

const generateRsa = promisify(generateKeyPair);

/**
 * A new key as `crypto.generate_key_pair` makes it: RSA-2048, the private key
 * in PKCS#1 PEM, the public key as an OpenSSH line ending in
 * " Generated-by-Nova\n". x509 keys are WinRM certificates.
 */
export async function generateKey(type: KeyType, userId: string): Promise<GeneratedKey> {
  if (type === 'x509') {
    const cert = await generateX509Keypair(userId);
    return { publicKey: cert.certificatePem, privateKey: cert.privateKey, fingerprint: cert.fingerprint };
  }
  const { publicKey, privateKey } = await generateRsa('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const line = `ssh-rsa ${sshRsaBlob(jwk).toString('base64')} Generated-by-Nova\n`;
  return {
    publicKey: line,
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
    fingerprint: sshFingerprint(line),
  };
}

/**
 * Stores the keypair; 409 "Key pair 'X' already exists." when the user has
 * one by that name. The check and the `put` MUST stay free of `await`
 * between them.
 */
export async function saveKeypair(ctx: EngineContext, fields: Omit<Keypair, 'id' | 'numericId' | 'createdAt'>): Promise<Keypair> {
  const id = keypairStoreId(fields.userId, fields.name);
  if (ctx.store.keypairs.has(id)) throw conflict(`Key pair '${fields.name}' already exists.`);
  const keypair: Keypair = { ...fields, id, numericId: ctx.store.nextId('keypair'), createdAt: new Date().toISOString() };
  await ctx.store.keypairs.put(keypair);
  return keypair;
}
