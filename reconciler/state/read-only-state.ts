import { join } from 'node:path';
import type { BindingRow, StateReader } from './state-store.ts';
import { DATAFILES, stackDir } from './state-store.ts';
import type { JournalEntry, ResourceRecord, StateEvent } from './state-model.ts';
import { readDatafile } from './read-datafile.ts';
import { readerOverRows } from './reader-over-rows.ts';

/**
 * Opens the state of `stack` under `dir` for reading only: a snapshot of
 * its datafiles as they are on disk now (read-datafile.ts), for `plan` and
 * `drift`.
 *
 * Contract:
 * - MUST NOT write anything: no compaction, no directory created, no lock
 *   taken. So it works while another process (an `apply`) holds the stack's
 *   lock and writes its state, and on a read-only checkout.
 * - The snapshot does not follow later writes: what an `apply` running at
 *   the same time records after the open is not seen (the cloud is read
 *   afterwards and is the truth; a record written meanwhile is at worst a
 *   create this snapshot calls pending).
 * - A stack never applied reads as empty (no records, no binding).
 * - After `close()` every method throws.
 *
 * @example
 * const state = await openStateReadOnly('.novaform', 'web');
 * try {
 *   const plan = await planStack({ ..., state });
 * } finally {
 *   await state.close();
 * }
 */
export async function openStateReadOnly(dir: string, stack: string): Promise<StateReader> {
  const path = stackDir(dir, stack);
  const [resources, journal, events, meta] = await Promise.all([
    readDatafile<ResourceRecord>(join(path, DATAFILES.resources)),
    readDatafile<JournalEntry>(join(path, DATAFILES.journal)),
    readDatafile<StateEvent>(join(path, DATAFILES.events)),
    readDatafile<BindingRow>(join(path, DATAFILES.meta)),
  ]);
  const binding = meta.find((row) => row.id === 'cloud')?.binding;
  return readerOverRows(stack, path, { resources, journal, events, binding });
}
