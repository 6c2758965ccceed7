import type { Kind } from '../../provider/resources/types.ts';
import type { LockOptions } from './stack-lock.ts';
import type { StateBackend } from './state-backend.ts';
import type { ResourceRecord } from './state-model.ts';

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
 * not this module's, and it depends on whether the object carries the
 * stack's ownership stamp IN THE CLOUD (`forgetConsequences` says it in
 * words):
 * - stamped (servers, volumes, aggregates, flavors, ssh keypairs): a plan
 *   finds it by its stamp with no record, so while a manifest declares it
 *   it is re-adopted (and the next apply records it again); once none
 *   does, an apply deletes it unless it is stamped Retain. Forgetting alone
 *   does not let go of it.
 * - unstamped (server groups, x509 keypairs: Nova keeps nowhere to put a
 *   stamp): the record was the only evidence, so the stack lets go of it:
 *   a manifest still declaring it makes the plan fail with "not ours"
 *   (take it back with `import`); with no manifest it is left alone.
 * Removing the stamp in the cloud is deliberately NOT done here: it is a
 * cloud write, it needs the cloud, and a stale or wrong record (the usual
 * reason to forget one) must be removable without it.
 *
 * @example
 * const { removed, unknown } = await forgetRecords(backend, 'web', [{ kind: 'Volume', name: 'data' }], { command: 'novaform state rm' });
 */
export async function forgetRecords(
  backend: StateBackend, stack: string, keys: readonly { kind: Kind; name: string }[], options: { command: string; lockWaitMs?: number; onWait?: LockOptions['onWait'] },
): Promise<{ removed: ResourceRecord[]; unknown: string[] }> {
  const lock = await backend.lock(stack, { command: options.command, waitMs: options.lockWaitMs ?? 0, ...(options.onWait ? { onWait: options.onWait } : {}) });
  try {
    const state = await backend.openStore(stack);
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
 * (see forgetRecords: stamped and unstamped objects differ).
 *
 * @example
 * forgetConsequences('web') // 'The objects stay in the cloud, untouched. One that carries stack 'web' ownership …'
 */
export function forgetConsequences(stack: string): string {
  return `The objects stay in the cloud, untouched. One that carries stack '${stack}' ownership in the cloud `
    + '(novaform:stack / novaform:name: servers, volumes, aggregates, flavors; ssh keypairs in their key comment) is found again by the next plan: '
    + 'while a manifest declares it, it is re-adopted (and the next apply records it again); once no manifest does, it is deleted by the next apply, unless stamped deletionPolicy Retain. '
    + 'To let go of such an object for good, remove its manifest AND its ownership stamp in the cloud. '
    + 'One that carries no stamp (server groups, x509 keypairs) was the stack\'s only through its record: a manifest still declaring it now fails to plan as "not ours" (take it back with spec.import), and with no manifest it is left alone.';
}
