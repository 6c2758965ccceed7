import { X509Certificate } from 'node:crypto';
import type { KeypairManifestSpec, KeypairType } from '../../../schemas/spec-types.ts';
import type { ManifestFileField, ManifestIssue } from '../manifest-checks.ts';

/**
 * A Keypair manifest's public key, checked offline: one OpenSSH public key
 * (or a PEM certificate for x509), written inline (`publicKey`) or read by
 * the loader from `publicKeyFile`. A private key is refused and its content
 * never echoed: it would be a secret in novaform's output. Pure.
 */

const SSH_KEY_TYPES = new Set([
  'ssh-rsa',
  'ssh-dss',
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
]);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface KeyProblem {
  readonly message: string;
  readonly hints: string[];
  readonly privateKey?: boolean;
}

/**
 * What is wrong with `text` as a public key of `type`, or undefined.
 *
 * @example
 * keyProblem('-----BEGIN OPENSSH PRIVATE KEY-----…', 'ssh')?.message // 'this is a private key; …'
 */
export function keyProblem(text: string, type: KeypairType): KeyProblem | undefined {
  if (/PRIVATE KEY-----/.test(text)) {
    return { message: 'this is a private key; a keypair takes the public key only', hints: ['use the .pub file (ssh-keygen -y -f KEY prints it)'], privateKey: true };
  }
  return type === 'x509' ? certificateProblem(text) : sshKeyProblem(text);
}

function sshKeyProblem(text: string): KeyProblem | undefined {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  if (lines.length === 0) return { message: 'empty: no public key', hints: [] };
  if (text.includes('-----BEGIN CERTIFICATE-----')) return { message: 'this is an x509 certificate, not an OpenSSH key', hints: ['set type: x509'] };
  if (lines.length > 1) return { message: `holds ${lines.length} keys; a keypair has exactly one`, hints: [] };
  const [keyType = '', data = ''] = lines[0]!.split(/\s+/);
  const expected = ["expected one line like 'ssh-ed25519 AAAAC3Nza… comment' (the contents of a .pub file)"];
  if (!SSH_KEY_TYPES.has(keyType)) return { message: `not an OpenSSH public key (it starts with ${JSON.stringify(keyType.slice(0, 20))})`, hints: expected };
  if (!BASE64.test(data)) return { message: `the ${keyType} key data is not base64`, hints: expected };
  const blob = Buffer.from(data, 'base64');
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (length < 0 || 4 + length > blob.length || blob.subarray(4, 4 + length).toString('latin1') !== keyType) {
    return { message: `the key data is not a ${keyType} key (truncated or mixed up?)`, hints: expected };
  }
  return undefined;
}

function certificateProblem(text: string): KeyProblem | undefined {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) return { message: 'not a PEM certificate', hints: ["an x509 keypair takes a certificate ('-----BEGIN CERTIFICATE-----'); for an OpenSSH key set type: ssh"] };
  try {
    new X509Certificate(text);
    return undefined;
  } catch {
    return { message: 'not a valid PEM certificate', hints: [] };
  }
}

/**
 * The problem of an inline `publicKey`, as a manifest issue. A key read
 * from `publicKeyFile` was checked when it was read
 * (`PUBLIC_KEY_FILE.check`) and is not checked again.
 *
 * @example
 * checkKeypairManifest({ publicKey: 'not a key' })[0].code // 'public-key'
 */
export function checkKeypairManifest(spec: KeypairManifestSpec): ManifestIssue[] {
  if (spec.publicKeyFile !== undefined) return [];
  const problem = keyProblem(spec.publicKey, spec.type ?? 'ssh');
  return problem ? [{ path: ['spec', 'publicKey'], code: 'public-key', message: problem.message, hints: problem.hints }] : [];
}

/** `publicKeyFile`: read by the loader into `publicKey`, trimmed, once it is one public key. */
export const PUBLIC_KEY_FILE: ManifestFileField = {
  field: 'publicKeyFile',
  into: 'publicKey',
  noun: 'a public key file',
  holds: 'the contents of a .pub file or a PEM certificate',
  code: 'public-key-file',
  check(text, spec, written) {
    const problem = keyProblem(text, spec.type === 'x509' ? 'x509' : 'ssh');
    if (!problem) return { value: text.trim() };
    return { message: problem.message, hints: problem.privateKey && !written.endsWith('.pub') ? [`point publicKeyFile at the public half, e.g. '${written}.pub'`] : problem.hints };
  },
};
