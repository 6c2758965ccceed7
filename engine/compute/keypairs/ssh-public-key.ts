import { createHash, createPublicKey } from 'node:crypto';

/**
 * OpenSSH public keys as nova/crypto.py `generate_fingerprint` accepts them:
 * the line must load with pyca/cryptography's `load_ssh_public_key`, and the
 * fingerprint is the MD5 of the base64-decoded blob (the second
 * space-separated field) as colon-separated lowercase hex — what
 * `ssh-keygen -l -E md5` prints after "MD5:".
 */

export class InvalidSshKey extends Error {}

/** A cursor over the SSH wire format (RFC 4251 `string` and `mpint`). */
class SshReader {
  private offset = 0;
  constructor(private readonly data: Buffer) {}

  string(): Buffer {
    if (this.offset + 4 > this.data.length) throw new InvalidSshKey('Invalid data');
    const length = this.data.readUInt32BE(this.offset);
    const start = this.offset + 4;
    if (start + length > this.data.length) throw new InvalidSshKey('Invalid data');
    this.offset = start + length;
    return this.data.subarray(start, start + length);
  }

  text(): string {
    return this.string().toString('latin1');
  }

  /** A non-negative mpint (cryptography rejects negative ones). */
  mpint(): bigint {
    const bytes = this.string();
    if (bytes.length > 0 && bytes[0]! > 0x7f) throw new InvalidSshKey('Invalid data');
    return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
  }

  get rest(): number {
    return this.data.length - this.offset;
  }
}

const bitLength = (n: bigint) => (n === 0n ? 0 : n.toString(2).length);

const CURVES: Record<string, { crv: string; size: number }> = {
  nistp256: { crv: 'P-256', size: 32 },
  nistp384: { crv: 'P-384', size: 48 },
  nistp521: { crv: 'P-521', size: 66 },
};

/** An uncompressed EC point that must lie on `curveName` (node:crypto checks it on import). */
function checkEcPoint(curveName: string, point: Buffer): void {
  const curve = CURVES[curveName];
  if (!curve || point.length !== 1 + 2 * curve.size || point[0] !== 0x04) throw new InvalidSshKey('Invalid EC point');
  const x = point.subarray(1, 1 + curve.size).toString('base64url');
  const y = point.subarray(1 + curve.size).toString('base64url');
  try {
    createPublicKey({ key: { kty: 'EC', crv: curve.crv, x, y }, format: 'jwk' });
  } catch {
    throw new InvalidSshKey('Invalid EC point');
  }
}

/** The key material after the type string, with cryptography's sanity checks. */
function checkKeyBody(type: string, reader: SshReader): void {
  if (type === 'ssh-rsa') {
    const e = reader.mpint();
    const n = reader.mpint();
    if (n < 3n || e < 3n || e >= n || e % 2n === 0n) throw new InvalidSshKey('Invalid RSA key');
  } else if (type === 'ssh-dss') {
    const [p, q, g] = [reader.mpint(), reader.mpint(), reader.mpint()];
    reader.mpint();
    if (![1024, 2048, 3072, 4096].includes(bitLength(p)) || ![160, 224, 256].includes(bitLength(q)) || !(g > 1n && g < p)) {
      throw new InvalidSshKey('Invalid DSA key');
    }
  } else if (type.startsWith('ecdsa-sha2-') || type === 'sk-ecdsa-sha2-nistp256@openssh.com') {
    const expected = type.startsWith('sk-') ? 'nistp256' : type.slice('ecdsa-sha2-'.length);
    const curve = reader.text();
    if (curve !== expected) throw new InvalidSshKey('Curve name mismatch');
    checkEcPoint(curve, reader.string());
    if (type.startsWith('sk-')) reader.string();
  } else if (type === 'ssh-ed25519' || type === 'sk-ssh-ed25519@openssh.com') {
    if (reader.string().length !== 32) throw new InvalidSshKey('Invalid Ed25519 key');
    if (type.startsWith('sk-')) reader.string();
  } else {
    throw new InvalidSshKey('Unsupported key type');
  }
}

const KEY_TYPES = new Set([
  'ssh-rsa', 'ssh-dss', 'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com',
]);

/** Python's lenient `b64decode`: non-alphabet characters are dropped; bad padding fails. */
function pythonB64decode(text: string): Buffer {
  const chars = text.replace(/[^A-Za-z0-9+/=]/g, '');
  const pad = chars.indexOf('=');
  const data = pad < 0 ? chars : chars.slice(0, pad);
  const remainder = data.length % 4;
  const padding = pad < 0 ? 0 : chars.length - pad;
  if (remainder === 1 || (remainder === 2 && padding < 2) || (remainder === 3 && padding < 1)) {
    throw new InvalidSshKey('Incorrect padding');
  }
  return Buffer.from(data, 'base64');
}

/** Throws InvalidSshKey unless `line` loads as an OpenSSH public key. */
export function assertLoadableSshKey(line: string): void {
  const match = /^([^\s]+)[ \t]+([^\s]+)/.exec(line);
  if (!match) throw new InvalidSshKey('Invalid line format');
  const [, type, body] = match;
  if (!KEY_TYPES.has(type!)) throw new InvalidSshKey('Unsupported key type');
  const reader = new SshReader(pythonB64decode(body!));
  if (reader.text() !== type) throw new InvalidSshKey('Invalid key format');
  checkKeyBody(type!, reader);
  if (reader.rest !== 0) throw new InvalidSshKey('Unexpected trailing data');
}

/** MD5 of `data` as `aa:bb:...`. */
export function colonHex(digest: Buffer): string {
  return digest.toString('hex').match(/../g)!.join(':');
}

/**
 * Nova's SSH fingerprint of `publicKey`; throws InvalidSshKey when the key
 * does not load (the API turns that into "Keypair data is invalid: failed to
 * generate fingerprint").
 */
export function sshFingerprint(publicKey: string): string {
  assertLoadableSshKey(publicKey);
  const field = publicKey.split(' ')[1];
  if (field === undefined) throw new InvalidSshKey('Invalid line format');
  return colonHex(createHash('md5').update(pythonB64decode(field)).digest());
}

/** The OpenSSH `ssh-rsa` blob of an RSA public key given as JWK. */
export function sshRsaBlob(jwk: { n: string; e: string }): Buffer {
  const string = (buf: Buffer) => Buffer.concat([u32(buf.length), buf]);
  const mpint = (b64url: string) => {
    let bytes = Buffer.from(b64url, 'base64url');
    while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
    return string(bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
  };
  return Buffer.concat([string(Buffer.from('ssh-rsa')), mpint(jwk.e), mpint(jwk.n)]);
}

function u32(n: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeUInt32BE(n);
  return buf;
}
