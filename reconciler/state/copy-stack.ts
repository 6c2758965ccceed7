import type { LockOptions } from './stack-lock.ts';
import type { StateBackend } from './state-backend.ts';
import type { StackContents } from './state-model.ts';

/**
 * Copies one stack's whole state from one backend to another, for
 * `novaform state migrate` (files -> PostgreSQL) and `state pull`
 * (PostgreSQL -> files).
 *
 * Contract:
 * - Both stacks' locks are held for the whole copy (source first), so no
 *   apply changes either side meanwhile; both are released before return.
 * - Everything moves as it is: records, the journal with its unfinished
 *   entries (the next plan resolves them wherever the stack now lives),
 *   events, the cloud binding and the digest key (saved plans keep
 *   verifying).
 * - The target MUST have no state for the stack (`StateNotEmptyError`);
 *   the source is left as it was: what becomes of it is the caller's choice.
 *
 * @example
 * const copied = await copyStack(fileBackend('/repo/.novaform'), shared, 'web', { command: 'novaform state migrate' });
 * copied.resources // 6
 */
export async function copyStack(
  from: StateBackend, to: StateBackend, stack: string,
  options: Pick<LockOptions, 'command' | 'waitMs' | 'onWait'> & {
    /** Runs after the copy while both locks are still held (the migrate's mark on the source). */
    readonly afterCopy?: () => Promise<void>;
  },
): Promise<{ resources: number; journal: number; events: number }> {
  const sourceLock = await from.lock(stack, options);
  try {
    const targetLock = await to.lock(stack, options);
    try {
      const contents = await readContents(from, stack);
      await to.importStack(stack, contents);
      await options.afterCopy?.();
      return { resources: contents.resources.length, journal: contents.journal.length, events: contents.events.length };
    } finally {
      await targetLock.release();
    }
  } finally {
    await sourceLock.release();
  }
}

async function readContents(backend: StateBackend, stack: string): Promise<StackContents> {
  const reader = await backend.openReader(stack);
  try {
    const binding = reader.cloud();
    return {
      resources: reader.resources(), journal: reader.journal(), events: reader.events(),
      ...(binding ? { binding } : {}),
      digestKey: await backend.digestKey(stack),
    };
  } finally {
    await reader.close();
  }
}
