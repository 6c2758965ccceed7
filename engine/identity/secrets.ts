import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** Hashes a password or application-credential secret for storage (`salt:hash`, hex). */
export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(secret, salt, 32, { N: 4096 });
  return `${salt.toString('hex')}:${hash.toString('hex')}`;
}

export function verifySecret(secret: string, stored: string): boolean {
  const [saltHex, hashHex] = stored.split(':');
  if (!saltHex || !hashHex) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = scryptSync(secret, Buffer.from(saltHex, 'hex'), expected.length, { N: 4096 });
  return timingSafeEqual(expected, actual);
}

/** Tokens are looked up by digest, so the store never holds one in clear text. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A fresh bearer token string. */
export function newTokenString(): string {
  return `nf${randomBytes(32).toString('base64url')}`;
}

/** A stable id for a role name, as Keystone shows roles with ids. */
export function roleId(name: string): string {
  return createHash('md5').update(`role:${name}`).digest('hex');
}
