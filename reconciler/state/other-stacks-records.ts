import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openStateReadOnly } from './read-only-state.ts';

/**
 * `Kind/cloudId` of every record of the OTHER stacks under `dir`: flavors
 * and keypairs carry no ownership metadata, so only a state record says a
 * stack owns one (`drift --include-unmanaged` must not call them
 * unmanaged). Read-only (read-only-state.ts): no lock is taken, so a stack
 * being applied right now is read as it stands instead of skipped.
 *
 * @example
 * const claimed = await otherStacksRecords('/repo/.novaform', 'web');
 * claimed.has('Keypair/ops') // true when stack 'db' created keypair ops
 */
export async function otherStacksRecords(dir: string, stack: string): Promise<ReadonlySet<string>> {
  const entries = await readdir(join(dir, 'state'), { withFileTypes: true }).catch(() => []);
  const claimed = new Set<string>();
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === stack || entry.name.startsWith('.')) continue;
    const state = await openStateReadOnly(dir, entry.name);
    for (const record of state.resources()) claimed.add(`${record.kind}/${record.cloudId}`);
    await state.close();
  }
  return claimed;
}
