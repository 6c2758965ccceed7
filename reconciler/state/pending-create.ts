import type { Kind } from '../../provider/resources/types.ts';
import type { JournalEntry } from './state-model.ts';

/**
 * The unresolved create of `kind/name` in a journal: its latest create or
 * replace entry, when that one was never finished (a crash) or ended with
 * an unknown outcome, and nothing later finished the resource. Pure.
 *
 * @example
 * pendingCreateIn(store.journal(), 'Server', 'web-1') // { at: '2026-12-06T07:02:11.000Z' }
 */
export function pendingCreateIn(journal: readonly JournalEntry[], kind: Kind, name: string): { at: string } | undefined {
  let latest: JournalEntry | undefined;
  for (const entry of journal) {
    if (entry.kind !== kind || entry.name !== name) continue;
    if (!latest || entry.at >= latest.at) latest = entry;
  }
  if (!latest || (latest.operation !== 'create' && latest.operation !== 'replace')) return undefined;
  return latest.status === 'started' || latest.status === 'unknown' ? { at: latest.at } : undefined;
}
