import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stackDigestKey } from './digest-key.ts';
import { openStateReadOnly } from './read-only-state.ts';
import { acquireLock } from './stack-lock.ts';
import type { StateBackend } from './state-backend.ts';
import { openState } from './state-store.ts';

/**
 * The default backend: nedb datafiles, a lock file and the digest key
 * under `<dir>/state/<stack>/` (dir is a project's `.novaform`). One
 * machine; a lock taken here is invisible to another checkout of the same
 * stack (that is what the PostgreSQL backend is for).
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
    openStore: (stack, options) => openState(dir, stack, options),
    openReader: (stack) => openStateReadOnly(dir, stack),
    digestKey: (stack) => stackDigestKey(dir, stack),
    async stacks() {
      const entries = await readdir(join(dir, 'state'), { withFileTypes: true }).catch(() => []);
      return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
    },
    async close() {},
  };
}
