import type { StateBackend } from './state-backend.ts';

/**
 * `Kind/cloudId` of every record of the OTHER stacks of `backend`: flavors
 * and keypairs carry no ownership metadata, so only a state record says a
 * stack owns one (`drift --include-unmanaged` must not call them
 * unmanaged). Read-only: no lock is taken, so a stack being applied right
 * now is read as it stands instead of skipped.
 *
 * @example
 * const claimed = await otherStacksRecords(fileBackend('/repo/.novaform'), 'web');
 * claimed.has('Keypair/ops') // true when stack 'db' created keypair ops
 */
export async function otherStacksRecords(backend: StateBackend, stack: string): Promise<ReadonlySet<string>> {
  const claimed = new Set<string>();
  for (const other of await backend.stacks()) {
    if (other === stack) continue;
    const state = await backend.openReader(other);
    try {
      for (const record of state.resources()) claimed.add(`${record.kind}/${record.cloudId}`);
    } finally {
      await state.close();
    }
  }
  return claimed;
}
