import { createHash, createHmac, generateKeyPair, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { bitString, explicit, integer, nullValue, octetString, oid, sequence, set, time, tlv, utf8String } from './der.ts';

/**
 * x509 keypairs (nova/crypto.py): an imported certificate's fingerprint, and
 * the WinRM client certificate Nova generates when no public key is given:
 * a self-signed RSA-2048 certificate for CN=<user_id> with clientAuth and a
 * UPN `<user_id>@localhost`, valid ten years. The certificate (PEM) is the
 * keypair's public key; the private key is returned as a base64 PKCS#12
 * file without a password, as Nova does.
 */

export class InvalidCertificate extends Error {}

/** SHA-1 of the DER certificate as lowercase colon hex (`generate_x509_fingerprint`). */
export function x509Fingerprint(pem: string): string {
  if (!/-----BEGIN CERTIFICATE-----/.test(pem)) {
    throw new InvalidCertificate('Unable to load PEM file. See https://cryptography.io/en/latest/faq/#why-can-t-i-import-my-pem-file for more details. MalformedFraming');
  }
  try {
    return new X509Certificate(pem).fingerprint.toLowerCase();
  } catch (error) {
    throw new InvalidCertificate(`error parsing asn1 value: ${(error as Error).message}`);
  }
}

const OID = {
  commonName: '2.5.4.3',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  extKeyUsage: '2.5.29.37',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  subjectAltName: '2.5.29.17',
  upn: '1.3.6.1.4.1.311.20.2.3',
  data: '1.2.840.113549.1.7.1',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
  sha1: '1.3.14.3.2.26',
};

function certificateDer(userId: string, publicKey: KeyObject, privateKey: KeyObject, now: Date): Buffer {
  const name = sequence(set(sequence(oid(OID.commonName), utf8String(userId))));
  const algorithm = sequence(oid(OID.sha256WithRsa), nullValue());
  const notAfter = new Date(now.getTime() + 3650 * 24 * 3600 * 1000);
  // x509.random_serial_number(): 159 random bits, positive.
  const serial = BigInt(`0x${randomBytes(20).toString('hex')}`) >> 1n;
  const extensions = sequence(
    sequence(oid(OID.extKeyUsage), octetString(sequence(oid(OID.clientAuth)))),
    sequence(oid(OID.subjectAltName), octetString(sequence(
      tlv(0xa0, oid(OID.upn), explicit(0, utf8String(`${userId}@localhost`))),
    ))),
  );
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(serial),
    algorithm,
    name,
    sequence(time(now), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  return sequence(tbs, algorithm, bitString(sign('sha256', tbs, privateKey)));
}

/** RFC 7292 B.2 key derivation with SHA-1 (u = 20, v = 64) for one output block. */
function pkcs12MacKey(password: string, salt: Buffer, iterations: number): Buffer {
  const v = 64;
  const fill = (data: Buffer) => {
    if (data.length === 0) return Buffer.alloc(0);
    const out = Buffer.alloc(v * Math.ceil(data.length / v));
    for (let i = 0; i < out.length; i++) out[i] = data[i % data.length]!;
    return out;
  };
  const pass = Buffer.concat([Buffer.from(password, 'utf16le').swap16(), Buffer.alloc(2)]);
  let a = Buffer.concat([Buffer.alloc(v, 3), fill(salt), fill(pass)]);
  for (let i = 0; i < iterations; i++) a = createHash('sha1').update(a).digest();
  return a;
}

/** An unencrypted PKCS#12 (key bag + cert bag) with an HMAC-SHA1 integrity MAC under the empty password. */
function pkcs12Der(certDer: Buffer, privateKey: KeyObject): Buffer {
  const keyId = set(sequence(oid(OID.localKeyId), set(octetString(createHash('sha1').update(certDer).digest()))));
  const certBag = sequence(
    oid(OID.certBag),
    explicit(0, sequence(oid(OID.x509Certificate), explicit(0, octetString(certDer)))),
    keyId,
  );
  const keyBag = sequence(oid(OID.keyBag), explicit(0, privateKey.export({ type: 'pkcs8', format: 'der' })), keyId);
  const dataInfo = (content: Buffer) => sequence(oid(OID.data), explicit(0, octetString(content)));
  const authSafe = sequence(dataInfo(sequence(certBag)), dataInfo(sequence(keyBag)));
  const salt = randomBytes(8);
  const iterations = 1;
  const mac = createHmac('sha1', pkcs12MacKey('', salt, iterations)).update(authSafe).digest();
  return sequence(
    integer(3),
    dataInfo(authSafe),
    sequence(sequence(sequence(oid(OID.sha1), nullValue()), octetString(mac)), octetString(salt), integer(iterations)),
  );
}

export interface GeneratedX509 {
  certificatePem: string;
  /** Base64 PKCS#12 holding key and certificate, no password. */
  privateKey: string;
  fingerprint: string;
}

const generateRsa = promisify(generateKeyPair);

/** `generate_winrm_x509_cert(user_id)`. */
export async function generateX509Keypair(userId: string, now = new Date()): Promise<GeneratedX509> {
  const { publicKey, privateKey } = await generateRsa('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const der = certificateDer(userId, publicKey, privateKey, now);
  const certificatePem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  return {
    certificatePem,
    privateKey: pkcs12Der(der, privateKey).toString('base64'),
    fingerprint: x509Fingerprint(certificatePem),
  };
}

