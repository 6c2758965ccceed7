import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Real OpenSSH and OpenSSL tools, the independent judges of the engine's keys. */

function inTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'novaform-keys-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `ssh-keygen -t <type>`: the public key line (with comment). */
export function sshKeygen(type: 'rsa' | 'ed25519' | 'ecdsa', extra: string[] = []): string {
  return inTempDir((dir) => {
    const file = join(dir, 'key');
    execFileSync('ssh-keygen', ['-q', '-t', type, ...extra, '-N', '', '-C', 'test@example', '-f', file]);
    return readFileSync(`${file}.pub`, 'utf8');
  });
}

/** The MD5 fingerprint `ssh-keygen -l -E md5` prints for a public key, without the "MD5:" prefix. */
export function sshKeygenMd5(publicKey: string): string {
  return inTempDir((dir) => {
    const file = join(dir, 'key.pub');
    writeFileSync(file, publicKey);
    const out = execFileSync('ssh-keygen', ['-l', '-E', 'md5', '-f', file], { encoding: 'utf8' });
    return /MD5:([0-9a-f:]+)/.exec(out)![1]!;
  });
}

/** `ssh-keygen -y`: the public key derived from a private key file. */
export function sshPublicFromPrivate(privateKey: string): string {
  return inTempDir((dir) => {
    const file = join(dir, 'id');
    writeFileSync(file, privateKey, { mode: 0o600 });
    return execFileSync('ssh-keygen', ['-y', '-f', file], { encoding: 'utf8' }).trim();
  });
}

/** A self-signed certificate from `openssl req -x509`, and its SHA-1 fingerprint as openssl prints it. */
export function opensslCertificate(): { pem: string; sha1: string } {
  return inTempDir((dir) => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-nodes', '-newkey', 'rsa:2048', '-days', '1', '-subj', '/CN=test', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const out = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' });
    return { pem: readFileSync(cert, 'utf8'), sha1: out.trim().split('=')[1]! };
  });
}

/** `openssl x509 -fingerprint -sha1` of a PEM certificate. */
export function opensslSha1(pem: string): string {
  return inTempDir((dir) => {
    const file = join(dir, 'cert.pem');
    writeFileSync(file, pem);
    return execFileSync('openssl', ['x509', '-in', file, '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' }).trim().split('=')[1]!;
  });
}

/** Opens a password-less PKCS#12 (verifying its MAC) and returns its PEM dump. */
export function opensslPkcs12(base64: string): string {
  return inTempDir((dir) => {
    const file = join(dir, 'bundle.p12');
    writeFileSync(file, Buffer.from(base64, 'base64'));
    return execFileSync('openssl', ['pkcs12', '-in', file, '-passin', 'pass:', '-nodes'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  });
}
