import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DIGEST_KEY_FILE } from './digest-key.ts';
import { PRIVATE_FILE_MODE } from './private-files.ts';
import { DATAFILES, stackDir } from './state-store.ts';

/**
 * The mark `novaform state migrate` leaves in a stack's folder once its
 * state lives in a shared backend. The files stay as a backup, and the
 * files backend refuses the stack from then on: an apply that forgot
 * `--backend` would otherwise plan from a stale copy and take a lock no
 * other machine sees (the duplicates issue 13 exists to prevent).
 * `state pull` discards the backup and the mark when it brings the stack
 * back to files.
 */

export const MOVED_FILE = 'moved.json';

export interface MovedMark {
  /** Where the state went: the backend URL as given to migrate (URLs carry no password; TLS parameters kept). */
  readonly to: string;
  readonly at: string;
}

export class StackMovedError extends Error {
  constructor(readonly stackName: string, readonly mark: MovedMark) {
    super(`stack '${stackName}' was moved to ${mark.to} (novaform state migrate, ${mark.at}): use --backend ${mark.to}, NOVAFORM_BACKEND or backend: in novaform.yaml; `
      + 'the files left here are a backup (novaform state pull brings the stack back to files)');
    this.name = 'StackMovedError';
  }
}

/**
 * @example
 * await readMovedMark('/repo/.novaform', 'web') // { to: 'postgres://ci@db/novaform', at: '2026-12-06T…' } or undefined
 */
export async function readMovedMark(dir: string, stack: string): Promise<MovedMark | undefined> {
  try {
    return JSON.parse(await readFile(join(stackDir(dir, stack), MOVED_FILE), 'utf8')) as MovedMark;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Throws StackMovedError when the stack was moved away. */
export async function refuseMoved(dir: string, stack: string): Promise<void> {
  const mark = await readMovedMark(dir, stack);
  if (mark) throw new StackMovedError(stack, mark);
}

export async function markMoved(dir: string, stack: string, to: string): Promise<void> {
  const mark: MovedMark = { to, at: new Date().toISOString() };
  await writeFile(join(stackDir(dir, stack), MOVED_FILE), `${JSON.stringify(mark)}\n`, { mode: PRIVATE_FILE_MODE });
}

/** Deletes a moved stack's backup datafiles, digest key and mark (not its lock, which the caller holds). */
export async function discardMovedCopy(dir: string, stack: string): Promise<void> {
  const folder = stackDir(dir, stack);
  for (const name of [...Object.values(DATAFILES), DIGEST_KEY_FILE, MOVED_FILE]) await rm(join(folder, name), { force: true });
}
