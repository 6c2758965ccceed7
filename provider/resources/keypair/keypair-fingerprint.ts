import { createHash, X509Certificate } from 'node:crypto';

/**
 * Nova's keypair fingerprints (nova/crypto.py), computed from the manifest's
 * key so a diff compares keys, not text: comments, surrounding whitespace,
 * line endings and PEM wrapping do not matter.
 * - ssh: MD5 of the base64-decoded key blob, as colon-separated hex
 *   (`generate_fingerprint`; `ssh-keygen -l -E md5` prints the same);
 * - x509: SHA-1 of the DER certificate, lower-case colon hex
 *   (`generate_x509_fingerprint`).
 */

/** The key text cannot be a key of that type (Nova would answer "Keypair data is invalid"). */
export class InvalidPublicKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPublicKeyError';
  }
}

const colonHex = (digest: Buffer) => digest.toString('hex').match(/../g)!.join(':');

/**
 * MD5 fingerprint of an OpenSSH public key line (`type base64 [comment]`).
 *
 * @example
 * sshFingerprint('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI… me@host') // '3f:9a:…'
 */
export function sshFingerprint(publicKey: string): string {
  const fields = publicKey.trim().split(/\s+/);
  const [type, data] = fields;
  if (!type || !data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) throw new InvalidPublicKeyError('not an OpenSSH public key line ("<type> <base64> [comment]")');
  const blob = Buffer.from(data, 'base64');
  // The blob starts with its own type as an SSH string; a mismatch is a corrupted or pasted-wrong key.
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (length < 0 || blob.length < 4 + length || blob.subarray(4, 4 + length).toString('latin1') !== type) {
    throw new InvalidPublicKeyError(`the key data does not match its type ${type}`);
  }
  return colonHex(createHash('md5').update(blob).digest());
}

/** SHA-1 fingerprint of a PEM certificate, as Nova shows x509 keypairs. */
export function x509Fingerprint(pem: string): string {
  try {
    return colonHex(createHash('sha1').update(new X509Certificate(pem.trim()).raw).digest());
  } catch (error) {
    throw new InvalidPublicKeyError(`not a PEM X.509 certificate: ${(error as Error).message}`);
  }
}

/** The fingerprint Nova will report for `publicKey` of `type`. */
export function keypairFingerprint(publicKey: string, type: 'ssh' | 'x509'): string {
  return type === 'x509' ? x509Fingerprint(publicKey) : sshFingerprint(publicKey);
}
