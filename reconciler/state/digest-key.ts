import { createHmac, randomBytes } from 'node:crypto';
import { link, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './private-files.ts';
import { isSecretField } from './state-redact.ts';

/**
 * The per-stack key of the secret digests a plan or drift report shows
 * (issue 12, "Files"). A plain `sha256:` of user data in a saved plan lets
 * anyone holding the plan test guesses offline; keyed with a random
 * per-stack secret (HMAC-SHA-256), a digest says "changed / unchanged" and
 * nothing more to whoever lacks the key.
 *
 * Contract:
 * - The key is 32 random bytes, hex, in `<state>/<stack>/digest.key`,
 *   0600 in a 0700 folder; it is created on first use and never rotated
 *   (a new key makes every saved plan of the stack stale, nothing worse).
 * - Keyed digests are deterministic per stack: the same text gives the
 *   same `hmac:` value in every plan of the stack, so a saved plan still
 *   verifies against a fresh one and plans still tell "changed" by
 *   comparing digests.
 * - The key is read or made only when a report has a secret digest to key
 *   (`hasSecretDigests`): a plan or drift without one writes nothing, so
 *   `plan` on a fresh checkout still creates no file. Creates show no
 *   field changes, so the first secret digest comes after an apply.
 * - A state folder that cannot be written (a read-only checkout) gets a key
 *   for this process only: its digests then match nothing saved, which is
 *   safe (a saved plan is called stale), never a leak.
 */

export const DIGEST_KEY_FILE = 'digest.key';

/** The `sha256:` digests of secrets that kind modules put in changes (any length of hex). */
const PLAIN_DIGEST = /^sha256:[0-9a-f]{16,64}$/;

/**
 * The key of `stack` under the state directory `dir` (`.novaform`), created 0600 when absent.
 *
 * @example
 * const key = await stackDigestKey('/repo/.novaform', 'web'); // 32 bytes
 */
export async function stackDigestKey(dir: string, stack: string): Promise<Buffer> {
  const path = keyPath(dir, stack);
  const existing = await readKey(path);
  if (existing) return existing;
  const key = randomBytes(32);
  try {
    return await createKey(path, key);
  } catch (error) {
    // Another novaform created it first: theirs is the stack's key.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readKey(path)) ?? key;
    return key;
  }
}

/**
 * Gives `stack` the key it has elsewhere (`state migrate` / `state pull`
 * move a stack with its key, so its saved plans keep verifying). A key the
 * stack had here (a plan made one) is replaced: the caller imports into a
 * stack with no state, whose only plans are the ones made elsewhere.
 *
 * @example
 * await setStackDigestKey('/repo/.novaform', 'web', await shared.digestKey('web'));
 */
export async function setStackDigestKey(dir: string, stack: string, key: Buffer): Promise<void> {
  const path = keyPath(dir, stack);
  const staged = `${path}.${process.pid}.new`;
  await rm(staged, { force: true });
  await createKey(staged, key);
  await rename(staged, path);
}

function keyPath(dir: string, stack: string): string {
  return join(dir, 'state', stack, DIGEST_KEY_FILE);
}

/**
 * Creates the key file exclusively (EEXIST when there is one), 0600 in a
 * 0700 folder. The key is written to a private temporary file first and
 * then linked into place, so another process never reads a key file that
 * exists but is still empty (it would take its own key instead).
 */
async function createKey(path: string, key: Buffer): Promise<Buffer> {
  await ensurePrivateDir(dirname(path));
  const staged = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const file = await open(staged, 'wx', PRIVATE_FILE_MODE);
  try {
    await file.writeFile(`${key.toString('hex')}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await link(staged, path);
  } finally {
    await rm(staged, { force: true });
  }
  return key;
}

async function readKey(path: string): Promise<Buffer | undefined> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    return /^[0-9a-f]{64}$/.test(text) ? Buffer.from(text, 'hex') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `hmac:` and 32 hex digits of HMAC-SHA-256(key, text).
 *
 * @example
 * keyedDigest(key, 'sha256:3b1c9f2e0a4d5c6b') // 'hmac:9d0e…' (32 hex digits)
 */
export function keyedDigest(key: Buffer, text: string): string {
  return `hmac:${createHmac('sha256', key).update(text, 'utf8').digest('hex').slice(0, 32)}`;
}

/** True when the last segment of a change path (`spec.userData`, `spec.metadata["admin_password"]`) names a secret. */
export function isSecretPath(path: string): boolean {
  const quoted = /\["((?:[^"\\]|\\.)*)"\]$/.exec(path);
  const leaf = quoted ? quoted[1]! : path.slice(path.lastIndexOf('.') + 1);
  return isSecretField(leaf);
}

/** True when some change under a secret path holds a plain digest in one of `fields`: keying it needs the key. */
export function hasSecretDigests<T extends { readonly path: string }>(changes: readonly T[], fields: readonly (keyof T & string)[]): boolean {
  return changes.some((change) => isSecretPath(change.path) && fields.some((field) => {
    const value = (change as Record<string, unknown>)[field];
    return typeof value === 'string' && PLAIN_DIGEST.test(value);
  }));
}

/**
 * A copy of `changes` in which every plain `sha256:` digest under a secret
 * path (in `fields`, e.g. `from`/`to` of a plan, `desired`/`actual` of
 * drift) is replaced by its keyed digest. Other changes are returned as
 * they are. Pure.
 *
 * @example
 * keyChanges(key, [{ path: 'spec.userData', from: 'sha256:aa…', to: 'sha256:bb…' }], ['from', 'to'])
 * // [{ path: 'spec.userData', from: 'hmac:…', to: 'hmac:…' }]
 */
export function keyChanges<T extends { readonly path: string }>(key: Buffer, changes: readonly T[], fields: readonly (keyof T & string)[]): T[] {
  return changes.map((change) => {
    if (!isSecretPath(change.path)) return change;
    const out: Record<string, unknown> = { ...change };
    for (const field of fields) {
      const value = out[field];
      if (typeof value === 'string' && PLAIN_DIGEST.test(value)) out[field] = keyedDigest(key, value);
    }
    return out as T;
  });
}
