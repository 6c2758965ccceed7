import type { Kind } from '../../provider/resources/types.ts';
import { keyOf, type RefResolver } from '../plan/executable-plan.ts';

/**
 * References at execution time. A plan builds specs twice: once to diff
 * (a dependency still to be created has no id) and once to apply, after
 * its dependencies ran. This is the resolver of the second time.
 */

export interface ResolverSources {
  /** Cloud ids the steps of this run produced, by `Kind/name`; filled in as steps finish. */
  readonly applied: ReadonlyMap<string, string>;
  /** Ids the plan read from the cloud, by `Kind/name`. */
  readonly planned: ReadonlyMap<string, string>;
  /** The id the state store holds (resources outside the plan, e.g. left out by a selector). */
  readonly recorded: (kind: Kind, name: string) => string | undefined;
  /** Cloud objects no manifest defines, pinned at plan time (`ExecutablePlan.pinned`). */
  readonly pinned: ReadonlyMap<string, { id: string; name: string }>;
  /** Keys this run replaces or deletes: their old ids MUST NOT be handed out. */
  readonly superseded: ReadonlySet<string>;
}

/**
 * The id a reference resolves to, most recent first: what this run
 * applied, then (unless the run replaces or deletes it) what the plan
 * read and what the state store recorded, then what the plan pinned.
 * Unknown gives `id: undefined`; the scheduler makes sure dependencies ran
 * first, so that only happens for a reference the plan did not declare.
 *
 * @example
 * const resolve = executionResolver({ applied: new Map([['Flavor/m1.small', '42']]), planned: new Map(), recorded: () => undefined, pinned: new Map(), superseded: new Set() });
 * resolve('Flavor', 'm1.small') // { id: '42', name: 'm1.small' }
 */
export function executionResolver(sources: ResolverSources): RefResolver {
  return (kind: Kind, name: string) => {
    const key = keyOf({ kind, name });
    const pinned = sources.pinned.get(key);
    const current = sources.superseded.has(key) ? undefined : sources.planned.get(key) ?? sources.recorded(kind, name);
    const id = sources.applied.get(key) ?? current ?? pinned?.id;
    return { id, name: pinned?.name ?? name };
  };
}
