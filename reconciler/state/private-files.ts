import { chmod, mkdir } from 'node:fs/promises';

/**
 * Who may read a stack's state (issue 12, "Files"): its records name cloud
 * objects, its journal and events carry the cloud's messages, and the
 * digest key (digest-key.ts) keys every secret digest a plan shows. They
 * are the user's alone, whatever the umask:
 * - files MUST be created with PRIVATE_FILE_MODE (0600);
 * - the folders holding them MUST be PRIVATE_DIR_MODE (0700), including
 *   folders an older novaform created 0755 (`ensurePrivateDir` tightens the
 *   leaf; parents it creates are 0700 too).
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** The modes nedb is given for a datafile (nedb's own default is 0644 in 0755). */
export const PRIVATE_NEDB_MODES = { fileMode: PRIVATE_FILE_MODE, dirMode: PRIVATE_DIR_MODE } as const;

/**
 * Creates `dir` (and missing parents) 0700, and makes an existing `dir` 0700.
 *
 * @example
 * await ensurePrivateDir('/repo/.novaform/state/web'); // drwx------
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  await chmod(dir, PRIVATE_DIR_MODE);
}
