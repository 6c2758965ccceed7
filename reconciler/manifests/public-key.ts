import { X509Certificate } from 'node:crypto';
import { open } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Locator } from './convert-sizes.ts';
import { diagnostic, type ManifestDiagnostic } from './diagnostics.ts';
import type { LoadLimits } from './limits.ts';
import type { KeypairType, RawKeypairSpec } from './manifest-types.ts';
import { firstInvalidUtf8 } from './utf8.ts';

/**
 * A Keypair's public key: read from `publicKeyFile` (relative to the
 * manifest's directory) when given, then checked to be one OpenSSH public
 * key (or a PEM certificate for x509). A private key is refused and its
 * content never echoed: it would be a secret in novaform's output.
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

export interface PublicKeyResult {
  /** The key text, trimmed; undefined when there were diagnostics. */
  readonly publicKey?: string;
  readonly diagnostics: ManifestDiagnostic[];
}

/**
 * The key of a schema-valid Keypair spec.
 *
 * @example
 * await resolvePublicKey({ publicKeyFile: 'ops.pub' }, '/repo/manifests', DEFAULT_LIMITS, locate)
 * // → { publicKey: 'ssh-ed25519 AAAA… ops', diagnostics: [] }
 */
export async function resolvePublicKey(spec: RawKeypairSpec, manifestDir: string, limits: LoadLimits, locate: Locator): Promise<PublicKeyResult> {
  const type = spec.type ?? 'ssh';
  if (spec.publicKey !== undefined) {
    const problem = keyProblem(spec.publicKey, type);
    return problem ? { diagnostics: [diagnostic(locate(['spec', 'publicKey']), 'public-key', 'spec.publicKey', problem.message, { hints: problem.hints })] } : { publicKey: spec.publicKey.trim(), diagnostics: [] };
  }
  const written = spec.publicKeyFile!;
  const at = locate(['spec', 'publicKeyFile']);
  const fail = (message: string, hints: string[] = []): PublicKeyResult => ({ diagnostics: [diagnostic(at, 'public-key-file', 'spec.publicKeyFile', message, { hints })] });
  if (written.startsWith('~')) return fail(`'${written}': '~' is not expanded`, ['write the path relative to the manifest, or absolute']);
  const path = isAbsolute(written) ? written : resolve(manifestDir, written);
  const read = await readSmallFile(path, limits.maxPublicKeyFileBytes);
  if ('error' in read) return fail(`cannot read '${written}' (${path}): ${read.error}`, read.hints);
  const problem = keyProblem(read.text, type);
  if (problem) return fail(`'${written}': ${problem.message}`, problem.privateKey && !written.endsWith('.pub') ? [`point publicKeyFile at the public half, e.g. '${written}.pub'`] : problem.hints);
  return { publicKey: read.text.trim(), diagnostics: [] };
}

async function readSmallFile(path: string, maxBytes: number): Promise<{ text: string } | { error: string; hints: string[] }> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => error);
  if (!('read' in handle)) {
    const reasons: Record<string, [string, string[]]> = {
      ENOENT: ['no such file', ['the path is relative to the manifest\'s directory']],
      EACCES: ['permission denied', ['make the file readable by the user running novaform']],
      EISDIR: ['is a directory', []],
    };
    const [error, hints] = reasons[handle.code ?? ''] ?? [handle.message, []];
    return { error, hints };
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return { error: 'is a directory', hints: [] };
    if (info.size > maxBytes) return { error: `the file is ${info.size} bytes; a public key file is at most ${maxBytes}`, hints: [] };
    const bytes = await handle.readFile();
    if (firstInvalidUtf8(bytes) >= 0) return { error: 'not UTF-8 text', hints: ['a public key file is text: the contents of a .pub file or a PEM certificate'] };
    return { text: bytes.toString('utf8') };
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code === 'EISDIR' ? 'is a directory' : (error as Error).message, hints: [] };
  } finally {
    await handle.close();
  }
}

interface KeyProblem {
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
