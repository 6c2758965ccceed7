import type { Clients } from '../openstack/openstack-client.ts';
import type { AnyKindModule, CloudObject } from './kind.ts';
import type { OwnershipStamp } from './types.ts';

/**
 * Pure: which cloud object a manifest means, decided on one listing of
 * its kind with the kind module's `stamp` (the ownership the object
 * carries in the cloud). The planner runs it on its snapshot, Pulumi and
 * tests on a fresh listing (`adopt`): one rule, so they never disagree.
 * Generic over kinds.
 *
 * For manifest `kind/name` of `stack`, in order:
 * 1. the state record's cloud id, when the listing still has it;
 * 2. the one object stamped `stack`/`name` (two or more: an error, never a guess);
 * 3. the manifest's `import` (by id or by name): an object novaform did not create, taken over;
 * 4. a create of an earlier run whose outcome is unknown (the journal):
 *    the one unstamped object of the name is what it made; none yet, and
 *    within the grace period, the plan waits; after it, creates;
 * 5. any other object of the name is not ours: an error with a hint,
 *    never silently adopted and never duplicated;
 * 6. else nothing: the plan creates it.
 *
 * A kind that only configures objects the cloud makes (`configures`: a
 * project's quotas, a host's service) has one rule instead: the object the
 * manifest names (`target`), which must exist. Nothing is created, so
 * there is nothing to adopt, stamp or wait for.
 */

export type Match =
  | {
    readonly ok: true;
    readonly observed?: CloudObject;
    /** How the object was found when it is not (yet) recorded as ours. */
    readonly via?: 'import' | 'journal';
    readonly warnings: readonly string[];
  }
  | { readonly ok: false; readonly code: 'adoption-conflict' | 'not-owned' | 'import-not-found' | 'target-not-found' | 'create-pending'; readonly message: string; readonly hints: readonly string[] };

/** What a manifest asks to take over. */
export interface ImportRequest {
  readonly id?: string;
  readonly name?: string;
}

/** A create an earlier run sent whose outcome is unknown (journal). */
export interface PendingCreate {
  /** ISO time the create was journalled. */
  readonly at: string;
}

export interface MatchInput {
  readonly module: AnyKindModule;
  /** Every object of the module's kind (one listing). */
  readonly objects: readonly CloudObject[];
  readonly stack: string;
  readonly name: string;
  /** The id the state store holds for the resource, if any. */
  readonly recordedId?: string;
  readonly import?: ImportRequest;
  /** The id or name of the object a manifest of a configuring kind names (the module's `configures.target`). */
  readonly target?: string;
  readonly pendingCreate?: PendingCreate;
  /** Epoch ms, for the grace period. */
  readonly now: number;
  /** How long a create with an unknown outcome may take to show in listings before it is sent again. */
  readonly graceMs: number;
}

/** The lookups matching needs, built once per listing (no scan per declared resource). */
export interface KindIndex {
  readonly byId: ReadonlyMap<string, CloudObject>;
  /** Usable objects by `stack/name` of their stamp. */
  readonly byStamp: ReadonlyMap<string, readonly CloudObject[]>;
  /** Usable objects by cloud name. */
  readonly byName: ReadonlyMap<string, readonly CloudObject[]>;
}

const INDEXES = new WeakMap<readonly CloudObject[], KindIndex>();

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The index of one kind's listing (cached per listing array). */
export function indexObjects(module: AnyKindModule, objects: readonly CloudObject[]): KindIndex {
  const cached = INDEXES.get(objects);
  if (cached) return cached;
  const byId = new Map<string, CloudObject>();
  const byStamp = new Map<string, CloudObject[]>();
  const byName = new Map<string, CloudObject[]>();
  for (const object of objects) {
    byId.set(object.id, object);
    if (module.unusable?.(object) !== undefined) continue;
    const stamp = module.stamp(object);
    if (stamp) push(byStamp, `${stamp.stack}/${stamp.name}`, object);
    if (typeof object.name === 'string') push(byName, object.name, object);
  }
  const index = { byId, byStamp, byName };
  INDEXES.set(objects, index);
  return index;
}

function describeOwner(stamp: OwnershipStamp | undefined): string {
  return stamp ? `belongs to stack '${stamp.stack}' (manifest '${stamp.name}')` : 'was not created by novaform';
}

function ids(objects: readonly CloudObject[]): string {
  return objects.map((o) => o.id).sort().join(', ');
}

function matchImport(index: KindIndex, input: MatchInput, request: ImportRequest): Match {
  const noun = input.module.noun;
  const candidates = request.id !== undefined
    ? [index.byId.get(request.id)].filter((o): o is CloudObject => o !== undefined && input.module.unusable?.(o) === undefined)
    : [...(index.byName.get(request.name!) ?? [])];
  const what = request.id !== undefined ? `id ${request.id}` : `name '${request.name}'`;
  if (candidates.length === 0) {
    return { ok: false, code: 'import-not-found', message: `spec.import: no ${noun} with ${what} exists in the cloud`, hints: [`check the ${request.id !== undefined ? 'id' : 'name'}, or remove spec.import to create the ${noun}`] };
  }
  if (candidates.length > 1) {
    return { ok: false, code: 'adoption-conflict', message: `spec.import: ${candidates.length} ${noun}s have ${what} (${ids(candidates)})`, hints: ['import by id instead'] };
  }
  const found = candidates[0]!;
  const stamp = input.module.stamp(found);
  if (stamp && (stamp.stack !== input.stack || stamp.name !== input.name)) {
    return { ok: false, code: 'not-owned', message: `spec.import: ${noun} ${found.id} ${describeOwner(stamp)}; one stack cannot take over another's objects`, hints: [`remove it from stack '${stamp.stack}' first`] };
  }
  return { ok: true, observed: found, via: 'import', warnings: [] };
}

/** The object a configuring manifest names (an exact id wins, else its name): exactly one must exist. */
function matchTarget(index: KindIndex, input: MatchInput, target: string): Match {
  const noun = input.module.noun;
  const byId = index.byId.get(target);
  const candidates = byId && input.module.unusable?.(byId) === undefined ? [byId] : [...(index.byName.get(target) ?? [])];
  if (candidates.length === 0) {
    return { ok: false, code: 'target-not-found', message: `no ${noun} with the id or name '${target}' exists in the cloud`, hints: [`novaform configures an existing ${noun} and never creates one: check the name`] };
  }
  if (candidates.length > 1) {
    return { ok: false, code: 'adoption-conflict', message: `${candidates.length} ${noun}s are named '${target}' (${ids(candidates)})`, hints: ['name it by id instead'] };
  }
  const found = candidates[0]!;
  const warnings = input.recordedId !== undefined && input.recordedId !== found.id
    ? [`the manifest now names ${noun} ${found.id}; ${input.recordedId}, which it named before, is left as it is`]
    : [];
  return { ok: true, observed: found, warnings };
}

/**
 * The cloud object manifest `kind/name` of `stack` refers to, if any.
 *
 * @example
 * matchDeclared({ module: serverKind, objects: servers, stack: 'prod', name: 'web-1', recordedId, now: Date.now(), graceMs: 60_000 })
 * // { ok: true, observed: { id: 'c0ffee…', … }, warnings: [] }
 */
export function matchDeclared(input: MatchInput): Match {
  const { module } = input;
  const index = indexObjects(module, input.objects);
  if (input.target !== undefined) return matchTarget(index, input, input.target);
  const stamped = index.byStamp.get(`${input.stack}/${input.name}`) ?? [];
  const recorded = input.recordedId !== undefined ? index.byId.get(input.recordedId) : undefined;
  if (recorded && module.unusable?.(recorded) === undefined) {
    const stamp = module.stamp(recorded);
    if (stamp && (stamp.stack !== input.stack || stamp.name !== input.name)) {
      return { ok: false, code: 'not-owned', message: `the state record of ${module.kind} '${input.name}' names ${module.noun} ${recorded.id}, which ${describeOwner(stamp)}`, hints: ['the state store is stale or shared by mistake: remove the record (or .novaform/) and plan again'] };
    }
    const others = stamped.filter((o) => o.id !== recorded.id);
    const warnings = others.length === 0 ? [] : [`other cloud objects also carry this stack's ownership of ${module.kind} ${input.name} (${ids(others)}): duplicates from an interrupted run? novaform leaves them alone; delete them`];
    return { ok: true, observed: recorded, warnings };
  }
  if (stamped.length > 1) {
    return {
      ok: false, code: 'adoption-conflict',
      message: `${stamped.length} ${module.noun}s carry the ownership of ${module.kind} '${input.name}' in stack '${input.stack}' (${ids(stamped)}); novaform will not guess which one is the stack's`,
      hints: ['delete the extra ones, or remove their novaform:stack/novaform:name stamp'],
    };
  }
  if (stamped.length === 1) return { ok: true, observed: stamped[0], warnings: [] };
  if (input.import) return matchImport(index, input, input.import);

  const named = index.byName.get(input.name) ?? [];
  if (input.pendingCreate) {
    const unstamped = named.filter((o) => module.stamp(o) === undefined);
    if (unstamped.length === 1) {
      return { ok: true, observed: unstamped[0], via: 'journal', warnings: [`adopted ${module.noun} ${unstamped[0]!.id}: the create an earlier run sent at ${input.pendingCreate.at} made it (its answer was lost)`] };
    }
    if (unstamped.length > 1) {
      return { ok: false, code: 'adoption-conflict', message: `an earlier run's create of ${module.kind} '${input.name}' has an unknown outcome, and ${unstamped.length} unowned ${module.noun}s have that name (${ids(unstamped)}); novaform will not guess which one it made`, hints: ['delete the extra ones, or import one by id with spec.import'] };
    }
    const waitedMs = input.now - Date.parse(input.pendingCreate.at);
    if (named.length === 0 && waitedMs < input.graceMs) {
      return {
        ok: false, code: 'create-pending',
        message: `an earlier run sent the create of ${module.kind} '${input.name}' at ${input.pendingCreate.at} and its outcome is unknown; nothing shows in the cloud yet, and novaform waits ${Math.ceil((input.graceMs - waitedMs) / 1000)}s more before it creates again`,
        hints: ['run plan again in a minute'],
      };
    }
  }
  if (named.length > 0) {
    const stamp = module.stamp(named[0]!);
    const message = named.length === 1
      ? `a ${module.noun} named '${input.name}' (${named[0]!.id}) already exists and ${describeOwner(stamp)}`
      : `${named.length} ${module.noun}s named '${input.name}' already exist (${ids(named)}) and none is this stack's`;
    return {
      ok: false, code: 'not-owned', message,
      hints: stamp && stamp.stack !== input.stack
        ? [`rename this manifest; two stacks cannot own one ${module.noun}`]
        : [`to manage it, add 'import: {id: ${named[0]!.id}}' to this manifest's spec; or rename the manifest`],
    };
  }
  return { ok: true, warnings: input.pendingCreate ? [`an earlier run's create (at ${input.pendingCreate.at}) left nothing in the cloud after the grace period: creating`] : [] };
}

/**
 * What `owner` created earlier, found on a fresh listing with the same
 * rule the planner uses (ownership stamp; never a name alone). Throws
 * when the rule refuses to guess (two stamped objects).
 *
 * @example
 * const server = await adopt(serverKind, clients, { stack: 'prod', kind: 'Server', name: 'web-1' });
 */
export async function adopt(module: AnyKindModule, api: Clients, owner: { stack: string; name: string }): Promise<any> {
  const found = matchDeclared({ module, objects: await module.listAll(api), stack: owner.stack, name: owner.name, now: Date.now(), graceMs: 0 });
  if (!found.ok && found.code === 'adoption-conflict') throw new Error(found.message);
  return found.ok ? found.observed : undefined;
}
