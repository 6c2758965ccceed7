import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openFileControllerStore } from './file-controller-store.ts';
import { setStackDigestKey, stackDigestKey } from './digest-key.ts';
import { openStateReadOnly } from './read-only-state.ts';
import { acquireLock } from './stack-lock.ts';
import { StateNotEmptyError, type StateBackend } from './state-backend.ts';
import type { JournalEntry, ResourceRecord, StackContents, StateEvent } from './state-model.ts';
import { DATAFILES, openState, stackDir, type BindingRow } from './state-store.ts';
import { ensurePrivateDir } from './private-files.ts';
import { StateTable } from './state-table.ts';
import { discardMovedCopy, readMovedMark, refuseMoved } from './moved-marker.ts';

/**
 * The default backend: nedb datafiles, a lock file and the digest key
 * under `<dir>/state/<stack>/` (dir is a project's `.novaform`), the
 * controller's records under `<dir>/controller/<stack>/`. One
 * machine; a lock taken here is invisible to another checkout of the same
 * stack (that is what the PostgreSQL backend is for). A stack moved to
 * another backend by `state migrate` is refused (moved-marker.ts).
 *
 * @example
 * const backend = fileBackend('/repo/.novaform');
 * const lock = await backend.lock('web', { command: 'novaform apply' });
 */
export function fileBackend(dir: string): StateBackend {
  return {
    type: 'files',
    location: dir,
    lock: (stack, options) => acquireLock(dir, stack, options),
    openStore: async (stack, options) => {
      await refuseMoved(dir, stack);
      return openState(dir, stack, options);
    },
    openReader: async (stack) => {
      await refuseMoved(dir, stack);
      return openStateReadOnly(dir, stack);
    },
    digestKey: (stack) => stackDigestKey(dir, stack),
    async stacks() {
      const entries = await readdir(join(dir, 'state'), { withFileTypes: true }).catch(() => []);
      const names = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
      const here: string[] = [];
      for (const name of names) if (!(await readMovedMark(dir, name))) here.push(name);
      return here;
    },
    importStack: (stack, contents) => importFileStack(dir, stack, contents),
    controllerStore: (stack, options) => openFileControllerStore(dir, stack, options),
    async close() {},
  };
}

/** Writes `contents` as the datafiles of `stack`, which must have none yet but a moved backup (the caller holds the lock). */
async function importFileStack(dir: string, stack: string, contents: StackContents): Promise<void> {
  // The backup `state migrate` left is older than what comes back: it gives way.
  if (await readMovedMark(dir, stack)) await discardMovedCopy(dir, stack);
  const current = await openStateReadOnly(dir, stack);
  const empty = current.resources().length === 0 && current.journal().length === 0 && current.cloud() === undefined;
  await current.close();
  if (!empty) throw new StateNotEmptyError(stack, stackDir(dir, stack));
  const path = stackDir(dir, stack);
  await ensurePrivateDir(path);
  const tables = {
    resources: await StateTable.open<ResourceRecord>(join(path, DATAFILES.resources)),
    journal: await StateTable.open<JournalEntry>(join(path, DATAFILES.journal)),
    events: await StateTable.open<StateEvent>(join(path, DATAFILES.events)),
    meta: await StateTable.open<BindingRow>(join(path, DATAFILES.meta)),
  };
  for (const record of contents.resources) await tables.resources.put(record);
  for (const entry of contents.journal) await tables.journal.put(entry);
  for (const event of contents.events) await tables.events.put(event);
  if (contents.binding) await tables.meta.put({ id: 'cloud', binding: contents.binding });
  await setStackDigestKey(dir, stack, contents.digestKey);
}
