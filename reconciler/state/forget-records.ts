import type { Kind } from '../../provider/resources/types.ts';
import { acquireLock, type LockOptions } from './stack-lock.ts';
import type { ResourceRecord } from './state-model.ts';
import { openState } from './state-store.ts';

/**
 * `novaform state rm`: forget records WITHOUT touching the cloud.
 *
 * Contract:
 * - The stack's lock is taken first (an apply running now would otherwise
 *   write the record back, or lose this change at its compaction), and
 *   released before returning.
 * - Only records are removed; the cloud is not called, and the journal is
 *   left alone (an unfinished create stays for the next plan to resolve).
 * - An event `Forgotten` is recorded per removed record.
 *
 * What forgetting means is the planner's matching (provider/resources/match.ts),
 * not this module's: every kind stamps its objects with the stack's
 * ownership IN THE CLOUD (metadata, extra specs, a keypair's key comment),
 * and a plan finds a stamped object with no record. So while the object
 * keeps its stamp, the next plan re-adopts it when a manifest still
 * declares it, and deletes it when none does (unless it is stamped Retain).
 * `forgetConsequences` says this in words.
 *
 * @example
 * const { removed, unknown } = await forgetRecords('/repo/.novaform', 'web', [{ kind: 'Volume', name: 'data' }], { command: 'novaform state rm' });
 */
export async function forgetRecords(
  stateDir: string, stack: string, keys: readonly { kind: Kind; name: string }[], options: { command: string; lockWaitMs?: number; onWait?: LockOptions['onWait'] },
): Promise<{ removed: ResourceRecord[]; unknown: string[] }> {
  const lock = await acquireLock(stateDir, stack, { command: options.command, waitMs: options.lockWaitMs ?? 0, ...(options.onWait ? { onWait: options.onWait } : {}) });
  try {
    const state = await openState(stateDir, stack);
    try {
      const removed: ResourceRecord[] = [];
      const unknown: string[] = [];
      for (const { kind, name } of keys) {
        const record = state.get(kind, name);
        if (!record || !(await state.remove(kind, name))) {
          unknown.push(`${kind}/${name}`);
          continue;
        }
        removed.push(record);
        await state.event({ kind, name, type: 'Forgotten', message: `state rm: record of ${kind}/${name} (cloud id ${record.cloudId}) forgotten; the object was left in the cloud` });
      }
      return { removed, unknown };
    } finally {
      await state.close();
    }
  } finally {
    await lock.release();
  }
}

/**
 * What forgetting records of `stack` means for the next plan, in words
 * (true for every kind: each stamps its objects in the cloud).
 *
 * @example
 * forgetConsequences('web') // 'The objects stay in the cloud, untouched, and still carry stack 'web' ownership …'
 */
export function forgetConsequences(stack: string): string {
  return `The objects stay in the cloud, untouched, and still carry stack '${stack}' ownership there (novaform:stack / novaform:name; a keypair in its key comment), `
    + 'so the next plan finds them again: one a manifest still declares is re-adopted as if never forgotten; '
    + 'one no manifest declares is deleted by the next apply, unless stamped deletionPolicy Retain. '
    + 'To let novaform go of an object for good, remove its manifest AND its ownership stamp in the cloud (a keypair: recreate it).';
}
