import { join } from 'node:path';
import { stringify } from 'yaml';
import { openCloudTarget } from '../../cli/cloud-target.ts';
import { isStampChange } from '../../provider/resources/ownership.ts';
import { isKind, KIND_NAMES, kindModule } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import { loadManifestSources, type LoadResult, type ManifestDiagnostic } from '../../reconciler/manifests/index.ts';
import { parsePath, type PathSegment } from '../../reconciler/manifests/json-path.ts';
import { keyOf, type ExecutablePlan, type PlannedStep } from '../../reconciler/plan/executable-plan.ts';
import type { PlannedChange } from '../../reconciler/plan/plan-model.ts';
import { openStackSession, STATE_DIR, type StackSession } from '../../reconciler/session/stack-session.ts';
import { BackendLocationError, openBackend, parseBackendLocation } from '../../reconciler/state/open-backend.ts';
import { stackNameFromDirectory, stackNameProblem } from '../../reconciler/stack.ts';
import { packageSchema, secretProperties } from '../schema/package-schema.ts';
import type { PulumiPackageSchema } from '../schema/schema-types.ts';
import { PlanError } from '../../reconciler/plan/plan-errors.ts';
import type { CheckFailure, DiffKind, ReadResult, ResourceOperations } from './resource-operations.ts';

/**
 * novaform's resources for Pulumi, on the YAML path's machinery: a Pulumi
 * resource is one manifest document (`name` is metadata.name, the other
 * inputs its spec), checked by the loader's own rules, planned and applied
 * through one write session of the stack (its lock held for the plugin's
 * life, like a controller's lease), so plan semantics, safe creates,
 * ownership and the journal are the same as `novaform apply`.
 *
 * - The stack is the `stack` config, else `<project>-<stack>` of the URN.
 * - References (a server's `flavor: "m1.small"`) resolve in the cloud at
 *   plan time: Pulumi orders the creates, so what a resource refers to
 *   exists when it is planned.
 * - A resource with a cloud id is planned with it (`identity`).
 * - Read (refresh) plans the resource against its last inputs: outputs are
 *   the inputs with every field the cloud has otherwise set to the cloud's
 *   value, so an out-of-band change shows in the refresh's diff. Read
 *   without inputs (`pulumi import`) describes the object as its inputs.
 */

/** `novaform:index:Flavor` -> `Flavor`. */
export function kindOfType(type: string): Kind {
  const kind = type.startsWith('novaform:index:') ? type.slice('novaform:index:'.length) : '';
  if (!isKind(kind)) throw new Error(`unknown resource type '${type}': novaform has ${KIND_NAMES.map((k) => `novaform:index:${k}`).join(', ')}`);
  return kind;
}

/** The last part of a URN: the resource's name in the program. */
function urnName(urn: string): string {
  return urn.slice(urn.lastIndexOf('::') + 2);
}

/** `urn:pulumi:dev::web::...` -> `web-dev`. */
export function stackOfUrn(urn: string): string {
  const match = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn);
  const name = match ? stackNameFromDirectory(`${match[2]}-${match[1]}`) : undefined;
  if (!name) throw new Error(`cannot tell the novaform stack from URN '${urn}': set the provider's 'stack' config`);
  return name;
}

/** A manifest path (`spec.extraSpecs["a"]`) as a Pulumi property path (`extraSpecs["a"]`). */
function propertyOf(path: string): string {
  if (path === 'metadata.name') return 'name';
  return path.startsWith('spec.') ? path.slice('spec.'.length) : path;
}

function topLevel(property: string): string {
  return /^[^.[]+/.exec(property)?.[0] ?? property;
}

function failureOf(d: ManifestDiagnostic): CheckFailure {
  return { property: propertyOf(d.path), reason: [d.message, ...d.hints.map((h) => `hint: ${h}`)].join('; ') };
}

/** `value` with `path` set to `to` (undefined removes it), copying only what it changes. Pure. */
export function withValue(value: unknown, path: readonly PathSegment[], to: unknown): unknown {
  if (path.length === 0) return to;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const list = Array.isArray(value) ? [...value] : [];
    list[head] = withValue(list[head], rest, to);
    return list;
  }
  const object: Record<string, unknown> = value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
  const next = withValue(object[head!], rest, to);
  if (next === undefined) delete object[head!];
  else object[head!] = next;
  return object;
}

export const CONFIG_KEYS = ['cloud', 'stack', 'stateDir', 'backend'] as const;

/**
 * What a Pulumi resource with cloud id `id` adds to its manifest: Pulumi's
 * state names the object (created here, or taken in by `pulumi import`,
 * which is explicit), and Pulumi decides what is deleted (`retainOnDelete`
 * is its way to keep one), so the default Retain of an import does not
 * apply.
 */
function identity(id: string): { import: { id: string }; deletionPolicy: 'Delete' } {
  return { import: { id }, deletionPolicy: 'Delete' };
}

/**
 * The changes Pulumi shows: taking over an imported object (its ownership
 * stamp) changes no input, so it is not one; it is written with the next
 * update, or just before a delete.
 */
function inputChanges(changes: readonly PlannedChange[]): PlannedChange[] {
  return changes.filter((change) => !isStampChange(change));
}

/** The inputs among a resource's outputs (what `outputsOf` added taken out). */
function inputsOf(outputs: Record<string, unknown>): Record<string, unknown> {
  const { cloudId: _cloudId, status: _status, ...inputs } = outputs;
  return inputs;
}

export interface OperationsOptions {
  /** The program's directory (the plugin's working directory). */
  readonly cwd: string;
  readonly env: Record<string, string | undefined>;
  /** One line to stderr. */
  readonly log: (line: string) => void;
  /** The package version (the schema the plugin serves). */
  readonly version: string;
}

export function novaformOperations(options: OperationsOptions): ResourceOperations {
  let config: { cloud?: string; stack?: string; stateDir?: string; backend?: string } = {};
  let opening: Promise<StackSession> | undefined;
  let schema: PulumiPackageSchema | undefined;

  const session = (urn: string): Promise<StackSession> => {
    opening ??= (async () => {
      const stack = config.stack ?? stackOfUrn(urn);
      const projectDir = config.stateDir ?? options.cwd;
      const backend = await openBackend(config.backend, join(projectDir, STATE_DIR), 'novaform:backend');
      try {
        const opened = await openStackSession({
          projectDir, backend, stack, mode: 'write', command: 'pulumi-resource-novaform', lockWaitMs: 120_000,
          connect: () => openCloudTarget({ cloud: config.cloud, env: options.env, cwd: options.cwd, projectDir, log: options.log }),
        });
        return { ...opened, close: async () => { await opened.close(); await backend.close(); } };
      } catch (error) {
        await backend.close();
        throw error;
      }
    })();
    return opening;
  };

  const load = async (type: string, urn: string, inputs: Record<string, unknown>, id?: string): Promise<LoadResult> => {
    const kind = kindOfType(type);
    const { name, ...rest } = inputs;
    // A kind that configures what the cloud made names its object in its own inputs (a project, a host).
    const spec = id && !kindModule(kind).configures ? { ...rest, ...identity(id) } : rest;
    const text = stringify({ apiVersion: 'novaform/v1', kind, metadata: { name: typeof name === 'string' && name !== '' ? name : urnName(urn) }, spec });
    return loadManifestSources([{ path: join(options.cwd, 'Pulumi.yaml'), display: `${kind} ${urnName(urn)}`, text }]);
  };

  /**
   * Plans the one resource `inputs` declares; never prunes. With `id` (the
   * object Pulumi's state holds) the plan takes that object: it is the
   * stack's already, or Pulumi imported it. When that object is gone the
   * plan is the one without it (a create).
   */
  const planOne = async (type: string, urn: string, inputs: Record<string, unknown>, id?: string): Promise<{ executable: ExecutablePlan; step: PlannedStep }> => {
    const loaded = await load(type, urn, inputs, id);
    if (loaded.errors.length > 0) throw new Error(loaded.errors.map((d) => `${propertyOf(d.path)}: ${d.message}`).join('; '));
    const s = await session(urn);
    let executable: ExecutablePlan;
    try {
      executable = await s.plan({ documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, prune: false });
    } catch (error) {
      if (id && error instanceof PlanError && error.diagnostics.every((d) => d.code === 'import-not-found')) return planOne(type, urn, inputs);
      throw error;
    }
    const manifest = loaded.manifests[0]!;
    const step = executable.steps.find((x) => keyOf(x.resource) === keyOf({ kind: manifest.kind, name: manifest.metadata.name }))!;
    return { executable, step };
  };

  const applyOne = async (urn: string, executable: ExecutablePlan, step: PlannedStep): Promise<{ id: string; status?: string }> => {
    const s = await session(urn);
    const result = await s.apply({ ...executable, steps: [step], plan: { ...executable.plan, actions: [step.resource] } });
    const r = result.results[0]!;
    if (r.status !== 'done') throw new Error(`${step.resource.kind} ${step.resource.name}: ${r.action} ${r.status}: ${r.message ?? 'not applied'}`);
    return { id: r.cloudId ?? step.resource.id ?? '', ...(r.cloudStatus ? { status: r.cloudStatus } : {}) };
  };

  /** The inputs, with the cloud's value wherever the cloud differs; `status` for kinds whose objects have one (those with a health check). */
  const outputsOf = (type: string, inputs: Record<string, unknown>, name: string, applied: { id: string; status?: string }, changes: readonly PlannedChange[] = []): Record<string, unknown> => {
    const hasStatus = kindModule(kindOfType(type)).health !== undefined;
    let outputs: Record<string, unknown> = { ...inputs, name, cloudId: applied.id, ...(hasStatus ? { status: applied.status ?? '' } : {}) };
    for (const change of inputChanges(changes)) outputs = withValue(outputs, parsePath(propertyOf(change.path)), change.from) as Record<string, unknown>;
    return outputs;
  };

  /** The object `id` as the inputs that declare it (its kind module's `toManifest`); undefined when the cloud has no such object. */
  const describeOne = async (type: string, urn: string, id: string) => {
    const kind = kindOfType(type);
    const described = (await (await session(urn)).describe(kind, [id])).get(id);
    if (described === undefined) return undefined;
    if ('unexpressible' in described) throw new Error(`cannot read ${kindModule(kind).noun} ${id} as inputs: ${described.unexpressible}`);
    const { import: _import, ...spec } = described.document.spec;
    const status = described.observed.status;
    return { name: described.document.metadata.name, inputs: { name: described.document.metadata.name, ...spec }, applied: { id, ...(typeof status === 'string' ? { status } : {}) }, notes: described.notes };
  };

  /**
   * `pulumi import`: the object `id` as the inputs that declare it,
   * checked to plan as an import with no change, so the engine's Diff
   * right after finds none.
   */
  const importRead = async (type: string, urn: string, id: string): Promise<ReadResult | undefined> => {
    const described = await describeOne(type, urn, id);
    if (described === undefined) return undefined;
    const { step } = await planOne(type, urn, described.inputs, id);
    return { id, outputs: outputsOf(type, described.inputs, described.name, described.applied, step.resource.changes), inputs: described.inputs, notes: described.notes };
  };

  return {
    async checkConfig(news) {
      const failures: CheckFailure[] = [];
      for (const key of Object.keys(news)) {
        const bare = key.replace(/^novaform:/, '');
        if (!(CONFIG_KEYS as readonly string[]).includes(bare) && !['version', 'pluginDownloadURL'].includes(bare)) failures.push({ property: key, reason: `unknown setting; novaform takes ${CONFIG_KEYS.join(', ')}` });
      }
      const stack = news.stack ?? news['novaform:stack'];
      if (stack !== undefined && (typeof stack !== 'string' || stackNameProblem(stack))) failures.push({ property: 'stack', reason: typeof stack === 'string' ? stackNameProblem(stack)! : 'a string' });
      const backend = news.backend ?? news['novaform:backend'];
      if (backend !== undefined) {
        try {
          if (typeof backend !== 'string') throw new BackendLocationError('a string such as postgres://novaform@db.example/novaform');
          parseBackendLocation(backend, 'novaform:backend');
        } catch (error) {
          if (!(error instanceof BackendLocationError)) throw error;
          failures.push({ property: 'backend', reason: error.message });
        }
      }
      return { inputs: news, failures };
    },
    async configure(values) {
      const get = (key: string) => {
        const value = values[key] ?? values[`novaform:${key}`];
        return typeof value === 'string' && value !== '' ? value : undefined;
      };
      config = { cloud: get('cloud') ?? options.env.OS_CLOUD, stack: get('stack'), stateDir: get('stateDir'), backend: get('backend') ?? options.env.NOVAFORM_BACKEND };
    },
    async check(type, urn, _olds, news) {
      kindOfType(type);
      const loaded = await load(type, urn, news);
      const name = typeof news.name === 'string' && news.name !== '' ? news.name : urnName(urn);
      return { inputs: { ...news, name }, failures: loaded.errors.map(failureOf) };
    },
    async diff(type, urn, id, olds, news) {
      const kind = kindOfType(type);
      const renamed = olds.name !== undefined && news.name !== undefined && olds.name !== news.name;
      if (renamed) {
        const notes = kindModule(kind).holdsData ? [`data loss: renaming ${kind} ${String(olds.name)} to ${String(news.name)} deletes it and creates another; what it holds is lost`] : [];
        return { changes: true, replaces: ['name'], deleteBeforeReplace: kindModule(kind).uniqueNames === true, detailedDiff: { name: { kind: 'UPDATE_REPLACE', inputDiff: true } }, diffs: ['name'], notes };
      }
      const { step } = await planOne(type, urn, news, id);
      const { action, warnings } = step.resource;
      const changes = inputChanges(step.resource.changes);
      if (action === 'create') {
        // Gone from the cloud: Pulumi creates it again.
        return { changes: true, replaces: ['name'], deleteBeforeReplace: false, detailedDiff: { name: { kind: 'UPDATE_REPLACE', inputDiff: false } }, diffs: ['name'], notes: [`${kind} ${step.resource.name} is gone from the cloud: it is created again`] };
      }
      const detailedDiff: Record<string, { kind: DiffKind; inputDiff: boolean }> = {};
      const replaces = new Set<string>();
      for (const change of changes) {
        const property = propertyOf(change.path);
        const replace = change.apply === 'replace';
        if (replace) replaces.add(topLevel(property));
        const base: 'ADD' | 'DELETE' | 'UPDATE' = change.from === undefined ? 'ADD' : change.to === undefined ? 'DELETE' : 'UPDATE';
        detailedDiff[property] = { kind: (replace ? `${base}_REPLACE` : base) as DiffKind, inputDiff: true };
      }
      const diffs = [...new Set(Object.keys(detailedDiff).map(topLevel))];
      const inPlace = action === 'resize' || action === 'rebuild' ? [`${kind} ${step.resource.name} is ${action === 'resize' ? 'resized' : 'rebuilt'} in place and restarts (Pulumi shows it as an update)`] : [];
      return { changes: diffs.length > 0, replaces: [...replaces], deleteBeforeReplace: replaces.size > 0 && kindModule(kind).uniqueNames === true, detailedDiff, diffs, notes: [...inPlace, ...warnings] };
    },
    async create(type, urn, inputs, preview) {
      const name = typeof inputs.name === 'string' && inputs.name !== '' ? inputs.name : urnName(urn);
      if (preview) return { id: '', outputs: { ...inputs, name } };
      const { executable, step } = await planOne(type, urn, inputs);
      const applied = await applyOne(urn, executable, step);
      return { id: applied.id, outputs: outputsOf(type, inputs, name, applied) };
    },
    async read(type, urn, id, inputs) {
      if (inputs === undefined) return importRead(type, urn, id);
      const name = typeof inputs.name === 'string' && inputs.name !== '' ? inputs.name : urnName(urn);
      let planned: { step: PlannedStep };
      try {
        planned = await planOne(type, urn, inputs, id);
      } catch (error) {
        if (!(error instanceof PlanError)) throw error;
        // The inputs no longer plan (what they refer to was deleted behind
        // Pulumi's back), but the object can still be read as it is.
        const described = await describeOne(type, urn, id);
        if (described === undefined) return undefined;
        return { id, outputs: outputsOf(type, { ...inputs, ...described.inputs }, name, described.applied), inputs, notes: [`read as the cloud has it; its inputs do not plan: ${error.message.split('\n')[0]}`, ...described.notes] };
      }
      const { step } = planned;
      if (step.resource.action === 'create' || (step.resource.id !== null && step.resource.id !== id)) return undefined;
      const status = (step.observed as { status?: unknown } | undefined)?.status;
      return { id, outputs: outputsOf(type, inputs, name, { id, ...(typeof status === 'string' ? { status } : {}) }, step.resource.changes), inputs, notes: [] };
    },
    async update(type, urn, id, _olds, news, preview) {
      const name = typeof news.name === 'string' && news.name !== '' ? news.name : urnName(urn);
      if (preview) return { outputs: { ...news, name, cloudId: id } };
      const { executable, step } = await planOne(type, urn, news, id);
      return { outputs: outputsOf(type, news, name, await applyOne(urn, executable, step)) };
    },
    async delete(type, urn, id, outputs) {
      const kind = kindOfType(type);
      const s = await session(urn);
      const find = (plan: ExecutablePlan) => plan.steps.find((x) => x.resource.kind === kind && x.resource.id === id);
      let planned = await s.planDestroy({});
      if (!find(planned) && Object.keys(outputs).length > 0) {
        // Taken in by `pulumi import` and not written since: it carries no
        // ownership yet. Take it over as its import planned, then delete it.
        const { executable, step } = await planOne(type, urn, inputsOf(outputs), id).catch((error: unknown) => {
          if (!(error instanceof PlanError)) throw error;
          throw new Error(`cannot delete ${kindModule(kind).noun} ${id}: it was imported and never updated, and taking it over needs its inputs to plan: ${error.message.split('\n')[0]}`);
        });
        if (step.resource.action === 'create') return;
        if (step.resource.action === 'import') await applyOne(urn, executable, step);
        planned = await s.planDestroy({});
      }
      const step = find(planned);
      // Not the stack's, or already gone: nothing of ours to delete.
      if (!step) return;
      await applyOne(urn, planned, step);
    },
    secretOutputs(type) {
      schema ??= packageSchema(options.version);
      return secretProperties(schema, kindOfType(type));
    },
    async close() {
      if (opening) await (await opening.catch(() => undefined))?.close();
    },
  };
}
