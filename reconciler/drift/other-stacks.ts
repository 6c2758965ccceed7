import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireLock, StackLockedError } from '../state/stack-lock.ts';
import { openState } from '../state/state-store.ts';

/**
 * What the OTHER stacks of a project own, from their state stores, for
 * `--include-unmanaged`: most objects carry their stack's stamp in the
 * cloud, but some cannot (an x509 keypair, an imported keypair), and only a
 * state record says a stack owns those. Each store is opened
 * under its own lock (opening compacts the datafiles; see state-store.ts)
 * and closed at once. A stack whose lock is held (an apply running) is
 * skipped and named, never waited for: drift is a read-only check.
 */

export interface OtherStacksClaims {
  /** `Kind/cloudId` of every record of the other stacks. */
  readonly claimed: ReadonlySet<string>;
  /** Stacks whose state could not be read because another novaform holds them. */
  readonly locked: readonly string[];
}

/**
 * @example
 * const { claimed, locked } = await otherStacksClaims('/repo/.novaform', 'web');
 * claimed.has('Keypair/ops') // true when stack 'db' created keypair ops
 */
export async function otherStacksClaims(stateDir: string, stack: string): Promise<OtherStacksClaims> {
  const entries = await readdir(join(stateDir, 'state'), { withFileTypes: true }).catch(() => []);
  const claimed = new Set<string>();
  const locked: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === stack || entry.name.startsWith('.')) continue;
    let lock;
    try {
      lock = await acquireLock(stateDir, entry.name, { command: 'novaform drift (reading ownership)' });
    } catch (error) {
      if (error instanceof StackLockedError) { locked.push(entry.name); continue; }
      throw error;
    }
    try {
      const state = await openState(stateDir, entry.name);
      try {
        for (const r of state.resources()) claimed.add(`${r.kind}/${r.cloudId}`);
      } finally {
        await state.close();
      }
    } finally {
      await lock.release();
    }
  }
  return { claimed, locked: locked.sort() };
}
