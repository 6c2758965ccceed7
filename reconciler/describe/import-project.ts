import type { Clients } from '../../provider/openstack/openstack-client.ts';
import type { Kind } from '../../provider/resources/types.ts';
import type { CloudObject } from '../../provider/resources/kind.ts';
import { kindModule } from '../../provider/resources/registry.ts';
import { readCloud } from '../plan/read-cloud.ts';
import { describeObserved, snapshotNamer, type Description } from './describe-objects.ts';
import { nameOf, selectImports, type ImportFilters, type LeftOut } from './select-imports.ts';

/**
 * `novaform import`'s reading: the live project as manifests. One listing
 * per kind (readCloud) to choose, then each chosen object's own GET (it
 * shows what a listing leaves out: a server's group) and its module's
 * `complete` (a private flavor's access list), and each described by its
 * kind module with an `import` block carrying its id, so the next plan
 * takes it over without a field change. Reads only.
 */

/** GETs in flight at once: an import of a large project should not storm the API. */
const READS_AT_ONCE = 8;

/** `work` over `items`, at most `limit` at once, answers in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const answers: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      answers[i] = await work(items[i]!);
    }
  }));
  return answers;
}

export interface ProjectImport {
  /** The documents, per kind in registry order, each kind sorted by name then id. */
  readonly described: ReadonlyMap<Kind, readonly Extract<Description, { document: unknown }>[]>;
  /** Objects left out, and why: another stack's, unusable, a shared name, or no manifest can declare them. */
  readonly leftOut: readonly LeftOut[];
  /** Shared-catalogue objects referred to by name (public flavors), per kind. */
  readonly shared: ReadonlyMap<Kind, number>;
  /** Listings the caller could not read (aggregates need the admin role), with the reason. */
  readonly unavailable: Readonly<Partial<Record<Kind | 'Image', string>>>;
}

/**
 * @example
 * const found = await importProject(target.clients, { kinds: ['Server', 'Volume'] });
 * found.described.get('Server')?.[0]?.document // { apiVersion: 'novaform/v1', kind: 'Server', metadata: { name: 'web' }, spec: { …, import: { id } } }
 */
export async function importProject(api: Clients, filters: ImportFilters = {}): Promise<ProjectImport> {
  const snapshot = await readCloud(api);
  const selection = selectImports(snapshot, filters);
  const names = snapshotNamer(snapshot);
  const described = new Map<Kind, Extract<Description, { document: unknown }>[]>();
  const leftOut = [...selection.leftOut];
  for (const [kind, chosen] of selection.chosen) {
    const module = kindModule(kind);
    const read = await mapLimited(chosen, READS_AT_ONCE, async (o) => ({ listed: o, now: await module.read(api, o.id) as CloudObject | undefined }));
    for (const { listed } of read.filter((r) => r.now === undefined)) {
      leftOut.push({ kind, id: listed.id, name: typeof listed.name === 'string' ? listed.name : null, reason: 'it was deleted while the project was read' });
    }
    const found = read.flatMap((r) => (r.now ? [r.now] : []));
    const completed: readonly CloudObject[] = module.complete ? await module.complete(api, found) : found;
    const documents: Extract<Description, { document: unknown }>[] = [];
    for (const d of describeObserved(kind, completed, names)) {
      if ('document' in d) documents.push(d);
      else leftOut.push({ kind, id: d.id, name: nameOf(completed.find((o) => o.id === d.id)), reason: d.unexpressible });
    }
    if (documents.length > 0) described.set(kind, documents);
  }
  return { described, leftOut, shared: selection.shared, unavailable: snapshot.unavailable };
}
