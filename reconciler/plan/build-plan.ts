import type { CloudObject } from '../../provider/resources/kind.ts';
import { isKind, kindModule, referencesOf } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import type { Manifest, UnresolvedRef } from '../manifests/manifest-types.ts';
import type { Pinned } from './cloud-lookup.ts';
import { diffResource } from './diff-resource.ts';
import type { PlannedStep, RefResolver } from './executable-plan.ts';
import { DEFAULT_HANDLERS, type AnyHandler } from './handlers.ts';
import { matchDeclared } from './match-observed.ts';
import { observedDigest } from './observed-digest.ts';
import { kindOfPin, pinReferences } from './pin-references.ts';
import { suggest } from '../manifests/suggest.ts';
import { labelChanges } from './change-labels.ts';
import { TargetError } from './narrow-plan.ts';
import { dataLossWarnings, summarize, toPlannedChange } from './plan-action.ts';
import { declaredDependsOn, detachEdges, hostMoveEdges, keyFrom, limitEdges, keyString, providedNames, sortKeys, type AggregateHosts } from './plan-edges.ts';
import { PlanError, sortPlanDiagnostics, type PlanDiagnostic } from './plan-errors.ts';
import { type Plan, type PlanAction, type PlannedResource, type ResourceKey } from './plan-model.ts';
import { orderSteps } from './plan-order.ts';
import { pruneCandidates, type PruneCandidate } from './prune.ts';
import { objectsOf, type CloudSnapshot } from './read-cloud.ts';
import type { StateView } from './state-view.ts';
import { specBuilder } from './to-handler-spec.ts';

/**
 * Pure: manifests + state + a cloud snapshot -> the plan and its steps.
 * `planStack` (plan-stack.ts) reads the cloud and calls this; tests call it
 * with hand-made snapshots.
 */

export interface BuildPlanInput {
  /** The loader's (selected, valid) manifests. */
  readonly documents: readonly Manifest[];
  readonly stack: string;
  readonly cloudName: string;
  readonly state: StateView;
  readonly snapshot: CloudSnapshot;
  computeAtLeast(major: number, minor: number): boolean;
  readonly handlers?: Partial<Record<Kind, AnyHandler>>;
  /** SHA-256 per manifest file, saved in the plan (see plan-model.ts `manifests`). */
  readonly manifestDigests?: Readonly<Record<string, string>>;
  /** The loader's; those `outsideSelection` refer to the stack's own object for a manifest --selector left out. */
  readonly unresolvedRefs?: readonly UnresolvedRef[];
  /** Plan deletes for owned, undeclared resources. MUST be false under --selector (the rest of the stack is not declared, not gone). Default true. */
  readonly prune?: boolean;
  /** `--replace`: declared resources to renew although nothing differs (forced-change.ts). */
  readonly replace?: readonly ResourceKey[];
  readonly now?: () => Date;
  /** How long a create with an unknown outcome may take to show in listings before the plan creates again (default 2 min). */
  readonly createGraceMs?: number;
}

/** Default of `createGraceMs`: Nova lists a server only once its build request is scheduled; Cinder's list can lag too. */
export const DEFAULT_CREATE_GRACE_MS = 120_000;

export interface BuiltPlan {
  readonly plan: Plan;
  readonly steps: readonly PlannedStep[];
  readonly pinned: ReadonlyMap<string, Pinned>;
}

const RETAIN_WARNING = 'kept in the cloud (deletionPolicy: Retain)';

/**
 * `resource` with its `observedDigest` (observed-digest.ts) computed when
 * first read: only a saved plan and `--output json` read it, and hashing
 * 10,000 objects for a plan that is only shown was a tenth of its CPU. The
 * property is enumerable, so JSON and spreads carry it as before.
 */
function withObservedDigest(resource: PlannedResource, observed: CloudObject | undefined): PlannedResource {
  if (!observed) return resource;
  let digest: string | undefined;
  return Object.defineProperty(resource, 'observedDigest', { enumerable: true, get: () => (digest ??= observedDigest(resource.kind, observed)) });
}

/**
 * A pruned object refers to what its last-applied spec names (a server's
 * flavor, keypair and volumes, through its module's `specReferences`)
 * and to the volumes it has attached.
 */
function prunedDependsOn(candidate: PruneCandidate, pruned: ReadonlyMap<string, PruneCandidate>): ResourceKey[] {
  const keys: string[] = [];
  const volumeIds = (candidate.observed.volumeIds as readonly string[] | undefined) ?? [];
  for (const [key, other] of pruned) if (volumeIds.includes(other.observed.id) && other.kind !== candidate.kind) keys.push(key);
  const lastApplied = candidate.record?.lastApplied;
  if (lastApplied !== null && typeof lastApplied === 'object') {
    try {
      for (const ref of kindModule(candidate.kind).specReferences(lastApplied)) if (pruned.has(`${ref.kind}/${ref.name}`)) keys.push(`${ref.kind}/${ref.name}`);
    } catch {
      // A record from an older novaform may not have the shape the module reads: the order falls back to kind order.
    }
  }
  return sortKeys(keys);
}

/** Two manifests configuring one object (a project named once by name, once by id) would fight over it: both fail. */
function failTargetsClaimedTwice(
  declared: ReadonlyMap<string, Manifest>,
  matched: ReadonlyMap<string, { observed?: CloudObject }>,
  fail: (key: string, manifest: Manifest, code: PlanDiagnostic['code'], message: string, hints?: readonly string[]) => void,
): void {
  const claims = new Map<string, string[]>();
  for (const [key, m] of matched) {
    if (!m.observed || !kindModule(keyFrom(key).kind).configures) continue;
    const object = `${keyFrom(key).kind}/${m.observed.id}`;
    claims.set(object, [...(claims.get(object) ?? []), key]);
  }
  for (const keys of claims.values()) {
    if (keys.length < 2) continue;
    for (const key of keys) {
      const others = keys.filter((k) => k !== key).join(', ');
      fail(key, declared.get(key)!, 'target-claimed', `${others} configures the same ${kindModule(keyFrom(key).kind).noun}`, ['keep one manifest per object']);
    }
  }
}

/**
 * Builds the plan; throws PlanError with every problem found.
 *
 * @example
 * const { plan, steps } = buildPlan({ documents, stack: 'prod', cloudName: 'lab', state, snapshot, computeAtLeast: () => true });
 * plan.summary // { create: 2, update: 1, …, noop: 3 }
 */
export function buildPlan(input: BuildPlanInput): BuiltPlan {
  const { snapshot, stack, state } = input;
  const handlers: Record<Kind, AnyHandler> = { ...DEFAULT_HANDLERS, ...input.handlers };
  const diagnostics: PlanDiagnostic[] = [];
  const failed = new Set<string>();
  const fail = (key: string, manifest: Manifest, code: PlanDiagnostic['code'], message: string, hints: readonly string[] = []) => {
    failed.add(key);
    diagnostics.push({ ...manifest.source, code, kind: manifest.kind, name: manifest.metadata.name, path: '', message, hints });
  };
  const declared = new Map(input.documents.map((m) => [keyString({ kind: m.kind, name: m.metadata.name }), m]));
  const declaredKeys = new Set(declared.keys());
  const forced = new Set((input.replace ?? []).map(keyString));
  for (const key of forced) {
    if (declaredKeys.has(key)) continue;
    const meant = suggest(key, [...declaredKeys]);
    throw new TargetError(`--replace ${key}: no manifest declares it${meant ? ` (did you mean ${meant}?)` : ''}`);
  }
  for (const key of forced) {
    const module = kindModule(keyFrom(key).kind);
    if (module.configures) throw new TargetError(`--replace ${key}: novaform configures a ${module.noun} the cloud made; it cannot create one, so it cannot replace one`);
  }

  const nowMs = (input.now?.() ?? new Date()).getTime();
  const match = (kind: Kind, name: string, spec?: Manifest['spec']) => matchDeclared({
    snapshot, stack, kind, name, now: nowMs, graceMs: input.createGraceMs ?? DEFAULT_CREATE_GRACE_MS,
    record: state.get(kind, name), pendingCreate: state.pendingCreate?.(kind, name), ...(spec ? { spec } : {}),
  });
  const matched = new Map<string, { observed?: CloudObject; via?: 'import' | 'journal'; warnings: readonly string[] }>();
  for (const [key, manifest] of declared) {
    const unavailable = snapshot.unavailable[manifest.kind];
    if (unavailable !== undefined) { fail(key, manifest, 'cloud-unavailable', unavailable); continue; }
    const found = match(manifest.kind, manifest.metadata.name, manifest.spec);
    if (found.ok) matched.set(key, found);
    else fail(key, manifest, found.code, found.message, found.hints);
  }
  failTargetsClaimedTwice(declared, matched, fail);

  const outside = new Map<string, Pinned | undefined>();
  for (const ref of input.unresolvedRefs ?? []) {
    if (!ref.outsideSelection || !isKind(ref.target)) continue;
    const key = `${ref.target}/${ref.name}`;
    if (outside.has(key)) continue;
    const found = match(ref.target, ref.name);
    outside.set(key, found.ok && found.observed ? { id: found.observed.id, name: String(found.observed.name ?? ref.name) } : undefined);
  }

  const pins = pinReferences({ manifests: input.documents, declared: declaredKeys, outsideSelection: outside, snapshot });
  for (const d of pins.diagnostics) { diagnostics.push(d); failed.add(`${d.kind}/${d.name}`); }

  const claimed = new Set<string>();
  for (const [key, match] of matched) if (match.observed) claimed.add(`${keyFrom(key).kind}/${match.observed.id}`);
  for (const [key, pin] of outside) if (pin) claimed.add(`${keyFrom(key).kind}/${pin.id}`);
  const candidates = input.prune === false ? [] : pruneCandidates({ snapshot, stack, state, declared: declaredKeys, claimed });
  const pruned = new Map(candidates.map((c) => [`${c.kind}/${c.name}`, c]));
  const policyOf = (c: PruneCandidate) => c.deletionPolicy;
  const deleted = new Map([...pruned].filter(([, c]) => policyOf(c) === 'Delete'));

  // Deleting what a manifest still refers to (through the cloud, by name) would break it.
  const deletedIds = new Map([...deleted].map(([key, c]) => [`${c.kind}/${c.observed.id}`, key]));
  for (const [key, pin] of pins.pinned) {
    const kind = kindOfPin(key);
    const owner = kind && deletedIds.get(`${kind}/${pin.id}`);
    if (!owner) continue;
    for (const site of pins.sites.get(key) ?? []) {
      failed.add(`${site.from.kind}/${site.from.metadata.name}`);
      diagnostics.push({
        ...site.from.locate(site.path), code: 'pruned-reference', kind: site.from.kind, name: site.from.metadata.name, path: site.path,
        message: `${kind} '${site.name}' is ${owner}, which this stack created and no manifest declares any more: the plan deletes it`,
        hints: [`keep the ${kind} manifest '${keyFrom(owner).name}', or refer to another ${kind!.toLowerCase()}`],
      });
    }
  }

  // Edges: references, then the orderings the cloud imposes.
  const providers = providedNames(input.documents);
  const dependsOn = new Map<string, ResourceKey[]>();
  for (const [key, m] of declared) dependsOn.set(key, declaredDependsOn(m, declaredKeys, providers));
  for (const [key, c] of pruned) dependsOn.set(key, policyOf(c) === 'Delete' ? prunedDependsOn(c, deleted) : []);
  const after = new Map<string, Set<string>>([...dependsOn.keys()].map((k) => [k, new Set<string>()]));
  for (const [key, deps] of dependsOn) {
    for (const dep of deps.map(keyString)) {
      if (declared.has(key)) after.get(key)!.add(dep);
      else if (deleted.has(dep)) after.get(dep)!.add(key); // a delete waits for the deletes of what referred to it
    }
  }
  // The orderings the cloud imposes that no reference shows, from the kinds' optional capabilities.
  const present: Array<{ key: string; observed: CloudObject; declared?: Manifest }> = [
    ...[...declared].flatMap(([key, m]) => { const o = matched.get(key)?.observed; return o ? [{ key, observed: o, declared: m }] : []; }),
    ...[...deleted].map(([key, c]) => ({ key, observed: c.observed })),
  ];
  const members: AggregateHosts[] = present.flatMap(({ key, observed, declared: m }) => {
    const zoneMembers = kindModule(keyFrom(key).kind).zoneMembers;
    return zoneMembers ? [{ key, ...zoneMembers(observed, m?.spec) }] : [];
  });
  for (const [to, froms] of hostMoveEdges(members)) for (const from of froms) after.get(to)!.add(from);
  for (const [to, froms] of limitEdges([...declared.keys()])) for (const from of froms) after.get(to)!.add(from);
  const holders = present.flatMap(({ key, observed }) => {
    const attachments = kindModule(keyFrom(key).kind).attachments;
    return attachments ? [{ key, volumeIds: [...attachments(observed)] }] : [];
  });
  const deletedIdsByKey = new Map([...deleted].map(([key, c]) => [key, c.observed.id]));
  for (const [attached, holderKeys] of detachEdges(deletedIdsByKey, holders)) for (const h of holderKeys) after.get(attached)!.add(h);

  const ordered = orderSteps([...after].map(([key, set]) => ({ ...keyFrom(key), key, isDelete: deleted.has(key), after: [...set] })));
  if (!ordered.ok) {
    for (const cycle of ordered.cycles) {
      const first = declared.get(cycle[0]!) ?? declared.get(cycle.find((k) => declared.has(k)) ?? '');
      const message = `these resources must each be applied before the next: ${[...cycle, cycle[0]].join(' -> ')}`;
      if (first) fail(cycle[0]!, first, 'dependency-cycle', message, ['break the cycle; for hosts moving both ways between two zones, move them in two applies']);
      else diagnostics.push({ file: '', line: 0, column: 0, code: 'dependency-cycle', path: '', message, hints: [] });
    }
    throw new PlanError(sortPlanDiagnostics(diagnostics));
  }

  const results = new Map<string, { action: PlanAction; observed?: CloudObject }>();
  const resolve: RefResolver = (kind, name) => {
    const key = `${kind}/${name}`;
    if (!declared.has(key)) throw new Error(`${key} is not a manifest of this plan; references to the cloud are pinned`);
    const result = results.get(key);
    const fresh = !result || result.action === 'create' || result.action === 'replace';
    return { id: fresh ? undefined : result.observed?.id, name };
  };
  const resources = new Map<string, PlannedResource>();
  const steps = new Map<string, PlannedStep>();
  const add = (key: string, resource: PlannedResource, step: Omit<PlannedStep, 'resource' | 'after'>) => {
    resources.set(key, resource);
    steps.set(key, { ...step, resource, after: sortKeys(after.get(key) ?? []) });
  };

  for (const key of ordered.order) {
    const { kind, name } = keyFrom(key);
    const manifest = declared.get(key);
    if (manifest) {
      if (failed.has(key)) continue;
      const match = matched.get(key)!;
      // Taken over with `import` (now, or in an earlier run: the stamp or the record says so): Retain unless the manifest says Delete.
      const imported = match.via === 'import' || (match.observed ? kindModule(kind).stamp(match.observed)?.imported === true : false) || state.get(kind, name)?.imported === true;
      // A configured object that cannot be given back (a compute service) is only ever forgotten.
      const releasable = kindModule(kind).configures === undefined || kindModule(kind).configures!.release !== undefined;
      const declaredPolicy = 'deletionPolicy' in manifest.spec ? manifest.spec.deletionPolicy : undefined;
      const deletionPolicy = declaredPolicy ?? (imported || !releasable ? 'Retain' : 'Delete');
      const owner = { stack, kind, name, deletionPolicy, ...(imported ? { imported: true } : {}) };
      const record = state.get(kind, name);
      const buildSpec = specBuilder(manifest, pins.pinned);
      let spec: unknown;
      try {
        spec = buildSpec(resolve);
      } catch (error) {
        fail(key, manifest, 'invalid-spec', (error as Error).message);
        continue;
      }
      const outcome = diffResource({ manifest, handler: handlers[kind], owner, spec, observed: match.observed, lastApplied: record?.lastApplied, forced: forced.has(key), computeAtLeast: input.computeAtLeast });
      if ('code' in outcome) { diagnostics.push(outcome); failed.add(key); continue; }
      const action = match.via === 'import' && outcome.action !== 'replace' ? 'import' : outcome.action;
      if (match.via === 'import' && outcome.action === 'replace') {
        fail(key, manifest, 'unsupported-change', `spec.import: ${kindModule(kind).noun} ${match.observed!.id} differs in ${outcome.changes.filter((c) => c.apply === 'replace').map((c) => c.path).join(', ')}, which only a replace could change; novaform does not replace an object it is asked to import`, ['make the manifest match the object, then import it']);
        continue;
      }
      // managementPolicy: observe: the plan shows what differs and does nothing about it.
      const withheld = manifest.spec.managementPolicy === 'observe' && action !== 'noop' ? action : undefined;
      results.set(key, { action: withheld ? 'noop' : action, observed: match.observed });
      add(key, withObservedDigest({
        kind, name, id: match.observed?.id ?? null, action: withheld ? 'noop' : action, dataLoss: withheld ? false : outcome.dataLoss,
        changes: labelChanges(outcome.changes.map(toPlannedChange), referencesOf(kind, manifest.spec), snapshot), dependsOn: dependsOn.get(key)!,
        deletionPolicy, warnings: [...match.warnings, ...outcome.warnings, ...(withheld ? [`managementPolicy: observe: ${withheld} not done; the cloud is left as it is`] : [])],
        ...(withheld ? { withheld } : {}),
      }, match.observed), { handler: handlers[kind], owner, buildSpec, changes: outcome.changes, ...(match.observed ? { observed: match.observed } : {}), ...(record ? { lastApplied: record.lastApplied } : {}) });
      continue;
    }
    const candidate = pruned.get(key)!;
    const policy = policyOf(candidate);
    const owner = { stack, kind, name, deletionPolicy: policy };
    const action: PlanAction = policy === 'Delete' ? 'delete' : 'noop';
    const { configures, noun } = kindModule(kind);
    const kept = configures && configures.release === undefined ? `left as it is: novaform configures a ${noun} the cloud made and never deletes one` : RETAIN_WARNING;
    const warnings = policy === 'Retain' ? [kept] : configures?.release !== undefined ? [configures.release] : dataLossWarnings(kind, name, 'delete', []);
    if (candidate.duplicates.length > 0) warnings.push(`other cloud objects also carry this stack's ownership of ${kind} ${name} (${candidate.duplicates.join(', ')}): the next plan deletes them`);
    add(key, withObservedDigest({
      kind, name, id: candidate.observed.id, action, dataLoss: action === 'delete' && kindModule(kind).holdsData, changes: [],
      dependsOn: dependsOn.get(key)!, deletionPolicy: policy, warnings, pruned: true,
    }, candidate.observed), { handler: handlers[kind], owner, observed: candidate.observed, changes: [], ...(candidate.record ? { lastApplied: candidate.record.lastApplied } : {}) });
  }
  if (diagnostics.length > 0) throw new PlanError(sortPlanDiagnostics(diagnostics));

  warnAttached(snapshot, deletedIdsByKey, resources, steps);
  const actions = ordered.order.map((key) => resources.get(key)!);
  const summary = summarize(actions);
  const plan: Plan = {
    version: 1, stack, cloud: input.cloudName, createdAt: (input.now?.() ?? new Date()).toISOString(),
    actions, summary, manifests: { ...input.manifestDigests },
    ...(forced.size > 0 ? { replace: [...forced].sort() } : {}),
  };
  // A step keeps its resource unless warnAttached replaced it.
  const stepOf = (key: string) => {
    const step = steps.get(key)!;
    const resource = resources.get(key)!;
    return step.resource === resource ? step : { ...step, resource };
  };
  return { plan, steps: ordered.order.map(stepOf), pinned: pins.pinned };
}

/** The objects of the snapshot that hold `id` attached (each kind's optional `attachments`), with their kind. */
function holdersOf(snapshot: CloudSnapshot, id: string): Array<{ kind: Kind; object: CloudObject }> {
  return [...snapshot.objects.keys()].flatMap((kind) => {
    const attachments = kindModule(kind).attachments;
    return attachments ? objectsOf(snapshot, kind).filter((o) => attachments(o).includes(id)).map((object) => ({ kind, object })) : [];
  });
}

/** An object the plan deletes while another keeps it attached (a volume on a server): the cloud will refuse, so say so now. */
function warnAttached(snapshot: CloudSnapshot, deletedIds: ReadonlyMap<string, string>, resources: Map<string, PlannedResource>, steps: ReadonlyMap<string, PlannedStep>): void {
  for (const [key, id] of deletedIds) {
    const holders = holdersOf(snapshot, id).filter(({ kind, object }) => {
      const step = [...steps.values()].find((s) => s.resource.kind === kind && s.observed?.id === object.id);
      if (!step) return true;
      return step.resource.action !== 'delete' && !(kindModule(kind).detaches?.(step.changes) ?? []).includes(id);
    });
    if (holders.length === 0) continue;
    const resource = resources.get(key)!;
    const names = holders.map(({ kind, object }) => `${kindModule(kind).noun} ${String(object.name)} (${object.id})`).join(', ');
    resources.set(key, { ...resource, warnings: [...resource.warnings, `attached to ${names}, which this plan does not detach: the cloud refuses to delete an attached ${kindModule(keyFrom(key).kind).noun}; detach it first`] });
  }
}
