import { kindModule } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import type { Manifest, UnresolvedRef } from '../manifests/manifest-types.ts';
import { buildPlan, type BuiltPlan } from '../plan/build-plan.ts';
import { KIND_ORDER, type AnyHandler } from '../plan/handlers.ts';
import { ownedInCloud } from '../plan/match-observed.ts';
import { PlanError, type PlanDiagnostic } from '../plan/plan-errors.ts';
import { pruneCandidates } from '../plan/prune.ts';
import type { CloudSnapshot } from '../plan/read-cloud.ts';
import type { StateView } from '../plan/state-view.ts';
import { keepGoneSources, sourceChange } from './changed-source.ts';
import { DRIFT_CATEGORIES, type CheckedResource, type DriftCategory, type DriftChange, type DriftNote, type DriftReport, type DriftResource, type IgnoredResource, type PendingResource } from './drift-model.ts';
import { foreignKeys } from './foreign-keys.ts';
import { healthOf } from './health.ts';
import { fieldIgnored, resourceIgnored, type IgnoreRule } from './ignore-rules.ts';
import { matchManifest } from './match-manifest.ts';
import { findUnmanaged } from './unmanaged.ts';

/**
 * Pure: manifests + state + a cloud snapshot -> the drift report. It is
 * the planner's own reading of the situation (buildPlan: the same matching,
 * pinning and handler diffs, with pruning off) classified for people who
 * ask "did someone change the cloud behind our back?":
 *
 * | plan says | evidence the resource was applied | drift |
 * |---|---|---|
 * | create | a state record, or (no record of the stack at all: a fresh checkout) an object stamped with the stack | `missing` (deleted outside novaform) |
 * | create | none | `pending` create (never applied: not drift) |
 * | noop/update/... with a failed readiness or SHUTOFF wanted running | - | `unhealthy` |
 * | update/resize/rebuild/replace, or foreign map keys | - | `changed` |
 * | a change the cloud cannot make (volume grown past the manifest) | - | `changed`, apply `manual` |
 * | owned, undeclared, still in the cloud | - | `pending` delete |
 */

export interface ClassifyDriftInput {
  readonly documents: readonly Manifest[];
  readonly stack: string;
  readonly state: StateView;
  readonly snapshot: CloudSnapshot;
  computeAtLeast(major: number, minor: number): boolean;
  readonly unresolvedRefs?: readonly UnresolvedRef[];
  /** Parsed .novaformignore. */
  readonly ignore?: readonly IgnoreRule[];
  /** Report objects no stack owns (`--include-unmanaged`). */
  readonly includeUnmanaged?: boolean;
  /** `Kind/cloudId` in the state records of OTHER stacks (their flavors and keypairs are not unmanaged). */
  readonly otherStacksClaimed?: ReadonlySet<string>;
  readonly handlers?: Partial<Record<Kind, AnyHandler>>;
  /** The clock of the planner's grace period for creates with an unknown outcome. */
  readonly now?: () => Date;
}

const keyOf = (m: Manifest) => `${m.kind}/${m.metadata.name}`;

/** A plan of the declared resources; resources whose change the cloud cannot make are taken out and returned with their diagnostic. */
function planDeclared(input: ClassifyDriftInput, snapshot: CloudSnapshot): { built: BuiltPlan; unsupported: readonly PlanDiagnostic[] } {
  const base = {
    documents: input.documents, stack: input.stack, cloudName: 'drift', state: input.state, snapshot,
    computeAtLeast: input.computeAtLeast, unresolvedRefs: input.unresolvedRefs, handlers: input.handlers, prune: false,
    ...(input.now ? { now: input.now } : {}),
  };
  try {
    return { built: buildPlan(base), unsupported: [] };
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    const unsupported = error.diagnostics.filter((d) => d.code === 'unsupported-change' && d.kind !== undefined && d.name !== undefined);
    // Anything else (an unresolvable reference, two objects claiming one manifest) is an error for drift too.
    if (unsupported.length === 0 || unsupported.length !== error.diagnostics.length) throw error;
    const skip = new Set(unsupported.map((d) => `${d.kind}/${d.name}`));
    return { built: buildPlan({ ...base, documents: input.documents.filter((m) => !skip.has(keyOf(m))) }), unsupported };
  }
}

function valueAt(root: unknown, path: string): unknown {
  let at: unknown = root;
  for (const part of path.split('.')) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined;
  return at ?? null;
}

const rank = (r: { kind: Kind; name: string }) => KIND_ORDER.indexOf(r.kind);
function byKindName<T extends { kind: Kind; name: string }>(a: T, b: T): number {
  return rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * Whether a declared resource with no cloud object was applied before
 * (then it is `missing`, else a `pending` create). A state record says so.
 * Without a state store (a CI job's fresh checkout, a lost `.novaform/`)
 * the cloud says so: any object carrying the stack's ownership stamp means
 * the stack was applied, so a declared object that is gone was deleted
 * behind novaform's back. A store that has records of the stack is
 * trusted: a manifest it has no record of was added since the last apply.
 */
function appliedEvidence(input: ClassifyDriftInput, snapshot: CloudSnapshot, kind: Kind, name: string): { id: string | null; why: string } | undefined {
  const record = input.state.get(kind, name);
  if (record) return { id: record.cloudId, why: `${kindModule(kind).noun} ${record.cloudId} (in the state store)` };
  if (input.state.resources().length > 0) return undefined;
  const owned = ownedInCloud(snapshot, input.stack).length;
  if (owned === 0) return undefined;
  return { id: null, why: `${kindModule(kind).noun} '${name}' of stack '${input.stack}' (applied: ${owned} cloud object${owned === 1 ? ' carries' : 's carry'} the stack's stamp)` };
}

/**
 * @example
 * classifyDrift({ documents, stack: 'prod', state, snapshot, computeAtLeast: () => true }).summary
 * // { changed: 1, missing: 0, unhealthy: 1, unmanaged: 0 }
 */
export function classifyDrift(input: ClassifyDriftInput): DriftReport {
  const rules = input.ignore ?? [];
  const nowMs = (input.now?.() ?? new Date()).getTime();
  const sources = keepGoneSources(input.documents, input.snapshot, input.stack, input.state, nowMs);
  const { built, unsupported } = planDeclared(input, sources.snapshot);
  const manifests = new Map(input.documents.map((m) => [keyOf(m), m]));
  const resources: DriftResource[] = [];
  const checked: CheckedResource[] = [];
  const pending: PendingResource[] = [];
  const notes: DriftNote[] = [...sources.notes];
  const ignored: IgnoredResource[] = [];
  const claimed = new Set<string>();

  const keepChanges = (kind: Kind, name: string, changes: readonly DriftChange[]) => changes.filter((c) => !fieldIgnored(rules, kind, name, c.path));

  for (const step of built.steps) {
    const { kind, name, action } = step.resource;
    const manifest = manifests.get(`${kind}/${name}`)!;
    const observed = step.observed as (Record<string, unknown> & { id: string }) | undefined;
    if (observed) claimed.add(`${kind}/${observed.id}`);
    const why = resourceIgnored(rules, kind, name, manifest);
    if (why !== undefined) { ignored.push({ kind, name, reason: why }); continue; }
    if (action === 'create') {
      const applied = appliedEvidence(input, sources.snapshot, kind, name);
      if (applied) resources.push({ kind, name, id: applied.id, category: 'missing', message: `${applied.why} is gone from the cloud: deleted outside novaform; apply would create it again`, changes: [] });
      else pending.push({ kind, name, id: null, action: 'create', message: 'declared but never applied: apply would create it' });
      continue;
    }
    for (const w of step.resource.warnings) if (w.startsWith('other cloud objects')) notes.push({ kind, name, message: w });
    const changes: DriftChange[] = [];
    for (const c of step.resource.changes) {
      if (c.path === 'status') continue; // the object's own state (a server's ERROR): its health, reported below
      const source = sourceChange(manifest, c.path, observed, step.lastApplied);
      if (source) {
        notes.push({ kind, name, message: `source image '${source.name}' now names image ${String(c.to)}; the ${kindModule(kind).noun} was built from ${String(c.from)} and is unchanged` });
        continue;
      }
      changes.push({ path: c.path, desired: c.to, actual: c.from, apply: c.apply });
    }
    if (observed) changes.push(...foreignKeys(manifest, observed, step.lastApplied));
    const kept = keepChanges(kind, name, changes);
    const health = observed ? healthOf(manifest, observed) : { state: 'healthy' as const };
    if (health.state === 'transition') notes.push({ kind, name, message: health.message });
    const id = observed?.id ?? null;
    if (health.state === 'unhealthy') resources.push({ kind, name, id, category: 'unhealthy', message: health.message, changes: kept });
    else if (kept.length > 0) resources.push({ kind, name, id, category: 'changed', message: `${kept.length} field${kept.length === 1 ? '' : 's'} differ${kept.length === 1 ? 's' : ''} from the manifest`, changes: kept });
    else checked.push({ kind, name, id });
  }

  for (const d of unsupported) {
    const kind = d.kind!, name = d.name!;
    const manifest = manifests.get(`${kind}/${name}`)!;
    const match = matchManifest({ snapshot: sources.snapshot, stack: input.stack, state: input.state, manifest, nowMs });
    const observed = match.ok ? match.observed : undefined;
    if (observed) claimed.add(`${kind}/${observed.id}`);
    const why = resourceIgnored(rules, kind, name, manifest);
    if (why !== undefined) { ignored.push({ kind, name, reason: why }); continue; }
    const changes = keepChanges(kind, name, [{ path: d.path, desired: valueAt(manifest, d.path), actual: valueAt({ spec: observed }, d.path), apply: 'manual' }]);
    if (changes.length === 0) checked.push({ kind, name, id: observed?.id ?? null });
    else resources.push({ kind, name, id: observed?.id ?? null, category: 'changed', message: d.message, changes });
  }

  const declared = new Set(manifests.keys());
  for (const c of pruneCandidates({ snapshot: sources.snapshot, stack: input.stack, state: input.state, declared, claimed })) {
    claimed.add(`${c.kind}/${c.observed.id}`);
    const policy = c.deletionPolicy;
    pending.push({ kind: c.kind, name: c.name, id: c.observed.id, action: 'delete', message: policy === 'Retain' ? 'no manifest declares it any more; kept in the cloud (deletionPolicy: Retain)' : 'no manifest declares it any more: apply would delete it' });
  }

  if (input.includeUnmanaged) {
    for (const r of input.state.resources()) claimed.add(`${r.kind}/${r.cloudId}`);
    for (const id of input.otherStacksClaimed ?? []) claimed.add(id);
    for (const object of findUnmanaged({ snapshot: sources.snapshot, claimed })) {
      const why = resourceIgnored(rules, object.kind, object.name);
      if (why !== undefined) ignored.push({ kind: object.kind, name: object.name, reason: why });
      else resources.push(object);
    }
  }

  const order = (c: DriftCategory) => DRIFT_CATEGORIES.indexOf(c);
  resources.sort((a, b) => order(a.category) - order(b.category) || byKindName(a, b));
  const summary = Object.fromEntries(DRIFT_CATEGORIES.map((c) => [c, resources.filter((r) => r.category === c).length])) as Record<DriftCategory, number>;
  return {
    version: 1,
    stack: input.stack,
    inSync: resources.length === 0,
    resources,
    summary,
    checked: checked.sort(byKindName),
    pending: pending.sort(byKindName),
    notes,
    ignored: ignored.sort(byKindName),
  };
}
