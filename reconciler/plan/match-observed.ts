import { AZ_METADATA_KEY } from '../../provider/resources/aggregate/aggregate-diff.ts';
import type { AggregateObserved } from '../../provider/resources/aggregate/aggregate-observed.ts';
import { isOwnedBy, OWNER_NAME_KEY, OWNER_STACK_KEY, type Kind } from '../../provider/resources/types.ts';
import type { ResourceRecord } from '../state/state-model.ts';
import type { CloudSnapshot } from './read-cloud.ts';

/**
 * Pure: which cloud object a manifest means, and which objects a stack
 * owns, decided on the plan's listings with the handlers' own rules
 * (`adopt`, `list`), so planning costs no request per object:
 *
 * 1. the state record's cloud id, when the listing still has it;
 * 2. else ownership metadata (`novaform:stack`/`novaform:name`) for
 *    servers, volumes and aggregates; the unique name for flavors and
 *    keypairs (they carry no metadata); a *bare* aggregate of the name
 *    (what an interrupted create leaves) is claimed like `adopt` does.
 *
 * More than one candidate is an error, never a guess.
 */

export type CloudObject = { readonly id: string } & Record<string, unknown>;

export type Match =
  | { readonly ok: true; readonly observed?: CloudObject; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly message: string; readonly hints: readonly string[] };

function metadataOf(object: CloudObject): Record<string, string> | undefined {
  return object.metadata as Record<string, string> | undefined;
}

/** Objects of `kind` that can still be matched (a volume being deleted cannot). */
export function objectsOf(snapshot: CloudSnapshot, kind: Kind): readonly CloudObject[] {
  switch (kind) {
    case 'Flavor': return snapshot.flavors as unknown as CloudObject[];
    case 'Keypair': return snapshot.keypairs as unknown as CloudObject[];
    case 'Volume': return snapshot.volumes.filter((v) => v.status !== 'deleting') as unknown as CloudObject[];
    case 'Aggregate': return snapshot.aggregates as unknown as CloudObject[];
    case 'Server': return snapshot.servers as unknown as CloudObject[];
  }
}

/** Kinds whose cloud objects carry ownership metadata. */
export function carriesOwnership(kind: Kind): boolean {
  return kind === 'Server' || kind === 'Volume' || kind === 'Aggregate';
}

function isBareAggregate(aggregate: AggregateObserved): boolean {
  return aggregate.hosts.length === 0 && Object.keys(aggregate.metadata).every((key) => key === AZ_METADATA_KEY);
}

function claimByName(kind: Kind, name: string, stack: string, all: readonly CloudObject[]): Match {
  const named = all.filter((o) => o.name === name);
  if (named.length > 1) {
    const ids = named.map((o) => o.id).sort();
    return { ok: false, message: `${named.length} ${kind.toLowerCase()}s are named '${name}' (${ids.join(', ')}); novaform will not guess which one the manifest means`, hints: ['delete or rename the extra ones'] };
  }
  const found = named[0];
  if (!found || kind !== 'Aggregate') return { ok: true, observed: found, warnings: [] };
  const aggregate = found as unknown as AggregateObserved;
  const otherStack = aggregate.metadata[OWNER_STACK_KEY];
  if (otherStack !== undefined) {
    return { ok: false, message: `aggregate '${name}' (${found.id}) exists and belongs to stack '${otherStack}', manifest '${aggregate.metadata[OWNER_NAME_KEY] ?? '?'}'`, hints: ['rename this manifest, or remove the aggregate from the other stack first'] };
  }
  if (!isBareAggregate(aggregate)) {
    return {
      ok: false,
      message: `aggregate '${name}' (${found.id}) exists and was not created by novaform (it has hosts or metadata)`,
      hints: [`rename the manifest, or mark the aggregate as this stack's with metadata ${OWNER_STACK_KEY}=${stack} ${OWNER_NAME_KEY}=${name}`],
    };
  }
  return { ok: true, observed: found, warnings: [] };
}

/**
 * The cloud object manifest `kind/name` of `stack` refers to, if any.
 *
 * @example
 * matchDeclared(snapshot, 'prod', 'Server', 'web-1', state.get('Server', 'web-1'))
 * // { ok: true, observed: { id: 'c0ffee…', … }, warnings: [] }
 */
export function matchDeclared(snapshot: CloudSnapshot, stack: string, kind: Kind, name: string, record?: ResourceRecord): Match {
  const all = objectsOf(snapshot, kind);
  const owned = carriesOwnership(kind) ? all.filter((o) => isOwnedBy(metadataOf(o), stack, name)) : [];
  const recorded = record ? all.find((o) => o.id === record.cloudId) : undefined;
  if (recorded) {
    const others = owned.filter((o) => o.id !== recorded.id).map((o) => o.id).sort();
    const warnings = others.length === 0 ? [] : [`other cloud objects also carry this stack's ownership of ${kind} ${name} (${others.join(', ')}): duplicates from an interrupted run? novaform leaves them alone; delete them`];
    return { ok: true, observed: recorded, warnings };
  }
  if (owned.length > 1) {
    const ids = owned.map((o) => o.id).sort();
    return {
      ok: false,
      message: `${owned.length} ${kind.toLowerCase()}s carry the ownership of ${kind} '${name}' in stack '${stack}' (${ids.join(', ')}); novaform will not guess which one is the stack's`,
      hints: [`delete the extra ones, or remove their ${OWNER_STACK_KEY}/${OWNER_NAME_KEY} metadata`],
    };
  }
  if (owned.length === 1) return { ok: true, observed: owned[0], warnings: [] };
  if (kind === 'Server' || kind === 'Volume') return { ok: true, warnings: [] };
  return claimByName(kind, name, stack, all);
}

/** A cloud object the stack owns, found by its ownership metadata. */
export interface OwnedObject {
  readonly kind: Kind;
  readonly name: string;
  readonly observed: CloudObject;
}

/**
 * Every object whose metadata marks it as `stack`'s (servers, volumes,
 * aggregates; flavors and keypairs are known from the state store only).
 */
export function ownedInCloud(snapshot: CloudSnapshot, stack: string): OwnedObject[] {
  const out: OwnedObject[] = [];
  for (const kind of ['Volume', 'Aggregate', 'Server'] as const) {
    for (const observed of objectsOf(snapshot, kind)) {
      const metadata = metadataOf(observed);
      const name = metadata?.[OWNER_NAME_KEY];
      if (name !== undefined && isOwnedBy(metadata, stack)) out.push({ kind, name, observed });
    }
  }
  return out;
}

/** The object with this cloud id, if the listing has it (keypairs: the id is the name). */
export function findById(snapshot: CloudSnapshot, kind: Kind, id: string): CloudObject | undefined {
  return objectsOf(snapshot, kind).find((o) => o.id === id);
}
