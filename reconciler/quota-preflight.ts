import { EndpointNotFoundError, isOpenStackError } from '../provider/openstack/errors.ts';
import type { Clients } from '../provider/openstack/openstack-client.ts';
import { QUOTA_SERVICE, type QuotaStep } from '../provider/resources/quota-demand.ts';
import { kindModule } from '../provider/resources/registry.ts';
import type { Kind } from '../provider/resources/types.ts';
import { executionResolver } from './apply/execution-resolver.ts';
import { keyOf, type ExecutablePlan, type PlannedStep, type RefResolver } from './plan/executable-plan.ts';
import type { CloudSnapshot } from './plan/read-cloud.ts';
import { isKnownAfterApply, knownAfterApply } from './plan/to-handler-spec.ts';
import { formatShortfall, quotaDemand, quotaShortfalls, type Demand, type DemandInput, type QuotaResource, type QuotaUsage } from './quota-fit.ts';

/**
 * Quota pre-flight: before anything is applied, does the plan fit in what
 * the project has left? Stopping here is better than a half-applied
 * stack and Nova's 403 on the fifth server. Generic: what a step needs is
 * its kind module's optional `quotaDemand`; a kind without one needs no
 * quota this checks.
 */

export interface QuotaPreflight {
  /** False when some quota is too small: `problems` says which. */
  readonly ok: boolean;
  /** One line per quota that does not fit (`quota: the plan needs 6 instances but ...`). */
  readonly problems: readonly string[];
  /** What could not be checked (quotas unreadable, a flavor unknown): the apply goes ahead. */
  readonly warnings: readonly string[];
  readonly demand: ReadonlyMap<QuotaResource, Demand>;
}

export interface PreflightOptions {
  /** The project's name for messages (default: the configured project name, else its id). */
  readonly projectName?: string;
  /** Ids of resources outside the plan (the state store), for references. */
  readonly recorded?: (kind: Kind, name: string) => string | undefined;
  /**
   * The cloud snapshot the plan was made from. Objects a step refers to (a
   * server's flavor) are sized from it, and from the steps' own observed
   * objects, before anything is read from the cloud again.
   */
  readonly snapshot?: CloudSnapshot;
}

/** Why the cloud refused to show something the pre-flight can live without (403, 404, no such service), else undefined. */
function refusal(error: unknown): string | undefined {
  if (error instanceof EndpointNotFoundError) return error.message;
  if (isOpenStackError(error) && (error.status === 403 || error.status === 404)) return error.message;
  return undefined;
}

function usageOf(value: unknown): QuotaUsage | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.limit !== 'number') return undefined;
  return { limit: v.limit, inUse: Number(v.in_use ?? 0), reserved: Number(v.reserved ?? 0) };
}

const SERVICE_NAMES = { compute: 'compute', volume: 'block storage' } as const;

/** Nova's detail and Cinder's usage view of the project's quotas, for the resources the plan needs. */
async function readQuotas(api: Clients, needed: ReadonlySet<QuotaResource>, warnings: string[]): Promise<Partial<Record<QuotaResource, QuotaUsage>>> {
  const quotas: Partial<Record<QuotaResource, QuotaUsage>> = {};
  const project = encodeURIComponent(api.projectId);
  const sets = {
    compute: async () => (await api.compute.get(`/os-quota-sets/${project}/detail`)).body?.quota_set ?? {},
    volume: async () => (await api.volume.get(`/os-quota-sets/${project}`, { query: { usage: 'true' } })).body?.quota_set ?? {},
  };
  for (const service of ['compute', 'volume'] as const) {
    const resources = [...needed].filter((r) => QUOTA_SERVICE[r] === service);
    if (resources.length === 0) continue;
    try {
      const set: Record<string, unknown> = await sets[service]();
      for (const r of resources) {
        const usage = usageOf(set[r]);
        if (usage) quotas[r] = usage;
      }
    } catch (error) {
      const why = refusal(error);
      if (why === undefined) throw error;
      warnings.push(`quota pre-flight: the ${SERVICE_NAMES[service]} quotas could not be read, so they were not checked (${why})`);
    }
  }
  return quotas;
}

/**
 * The quotas as the plan leaves them: a step that sets the limits of the
 * caller's own project (its kind module's `quotaLimits`: a Quota manifest)
 * replaces the limits read from the cloud. It runs before every other
 * step (`limitsOthers`), so the plan's demand meets the new limits.
 */
function withPlannedLimits(quotas: Partial<Record<QuotaResource, QuotaUsage>>, executable: ExecutablePlan, resolve: RefResolver): Partial<Record<QuotaResource, QuotaUsage>> {
  const out = { ...quotas };
  for (const step of executable.steps) {
    if (!step.handler.quotaLimits || !step.observed || step.resource.action === 'delete') continue;
    const spec = specOf(step, resolve);
    if (!spec) continue;
    const planned = step.handler.quotaLimits(spec, step.observed);
    if (planned.projectId !== executable.clients.projectId) continue;
    for (const [resource, limit] of Object.entries(planned.limits) as Array<[QuotaResource, number]>) {
      const current = out[resource];
      if (current) out[resource] = { ...current, limit };
    }
  }
  return out;
}

/** A resolver that never answers "unknown": the pre-flight sizes specs whose dependencies do not exist yet. */
function planTimeResolver(executable: ExecutablePlan, recorded: PreflightOptions['recorded']): RefResolver {
  const resolve = executionResolver({
    applied: new Map(),
    planned: new Map(executable.steps.flatMap((s) => (s.resource.id ? [[keyOf(s.resource), s.resource.id] as const] : []))),
    recorded: recorded ?? (() => undefined),
    pinned: executable.pinned,
    superseded: new Set(),
  });
  return (kind, name) => {
    const found = resolve(kind, name);
    return found.id === undefined ? { id: knownAfterApply(kind, name), name } : found;
  };
}

/** The step's spec with plan-time references; undefined when it cannot be built before its dependencies exist. */
function specOf(step: PlannedStep, resolve: RefResolver): Record<string, unknown> | undefined {
  if (!step.buildSpec) return undefined;
  try {
    return step.handler.normalize(step.buildSpec(resolve)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** True when the step changes nothing the quotas count (nothing to create, grow or keep). */
const countless = (step: PlannedStep) => step.resource.action === 'delete' || step.resource.action === 'noop';

type Lookup = QuotaStep<unknown, unknown>['lookup'];

/**
 * Finds the fields of an object a step refers to: a spec the plan creates
 * or changes (by its cloud name, so a flavor being created is sized from
 * its manifest), else an object the plan read (the snapshot, the steps'
 * observed objects), else one GET through the kind's module, once per
 * object. A dependency not created yet, or an object gone (404), is
 * unknown; a refused read (403, no endpoint) is unknown with a warning;
 * any other failure is an error, not a guess.
 */
function objectLookup(executable: ExecutablePlan, resolve: RefResolver, snapshot: CloudSnapshot | undefined, warnings: string[]): Lookup {
  const planned = new Map<string, Readonly<Record<string, unknown>>>();
  for (const step of executable.steps) {
    if (countless(step)) continue;
    const spec = specOf(step, resolve);
    if (spec && typeof spec.name === 'string') planned.set(`${step.resource.kind}/${spec.name}`, spec);
  }
  const seen = new Map<string, Readonly<Record<string, unknown>>>();
  for (const [kind, objects] of snapshot?.objects ?? []) for (const object of objects) seen.set(`${kind}/${object.id}`, object);
  for (const step of executable.steps) if (step.observed) seen.set(`${step.resource.kind}/${step.observed.id}`, step.observed as Readonly<Record<string, unknown>>);
  const reads = new Map<string, Promise<Readonly<Record<string, unknown>> | undefined>>();
  const read = async (kind: Kind, id: string) => {
    const module = kindModule(kind);
    try {
      return (await module.read(executable.clients, id)) as Readonly<Record<string, unknown>> | undefined;
    } catch (error) {
      const why = refusal(error);
      if (why === undefined) throw error;
      warnings.push(`quota pre-flight: ${module.noun} ${id} could not be read (${why})`);
      return undefined;
    }
  };
  return async (kind, ref) => {
    const fromPlan = ref.name !== undefined ? planned.get(`${kind}/${ref.name}`) : undefined;
    if (fromPlan) return fromPlan;
    if (ref.id === undefined || isKnownAfterApply(ref.id)) return undefined;
    const key = `${kind}/${ref.id}`;
    const known = seen.get(key);
    if (known) return known;
    if (!reads.has(key)) reads.set(key, read(kind, ref.id));
    return reads.get(key)!;
  };
}

/** What one step adds (its module's `quotaDemand`), or why it could not be sized. */
async function demandOf(step: PlannedStep, resolve: RefResolver, lookup: Lookup): Promise<DemandInput | string | undefined> {
  if (!step.handler.quotaDemand || countless(step)) return undefined;
  const { kind, name, action } = step.resource;
  const label = `${kind} ${name}`;
  let built: { spec: Record<string, unknown> | undefined } | undefined;
  const demand = await step.handler.quotaDemand({
    action,
    changes: step.changes,
    ...(step.observed ? { observed: step.observed } : {}),
    spec: () => (built ??= { spec: specOf(step, resolve) }).spec,
    lookup,
  });
  if (!demand) return undefined;
  if ('needs' in demand) return { label, needs: demand.needs };
  if (demand.unknown === 'spec') return `quota pre-flight: the spec of ${label} could not be sized before its dependencies exist, so it was not counted`;
  return `quota pre-flight: the size of ${demand.of} of ${label} is unknown, so it was not counted`;
}

/**
 * Sums what `executable` adds (each step's kind module's `quotaDemand`:
 * instances, cores and RAM of server creates and resizes, flavors being
 * created included; volumes and gigabytes of volume creates and extends;
 * key pairs) and compares it with the project's quota and usage: Nova's
 * `GET /os-quota-sets/{project}/detail`, Cinder's
 * `GET /os-quota-sets/{project}?usage=true`. Quotas the caller may not
 * read become warnings, not failures.
 *
 * @example
 * const check = await preflightQuota(executable, { snapshot });
 * if (!check.ok) throw new CliError(check.problems.join('\n'));
 */
export async function preflightQuota(executable: ExecutablePlan, options: PreflightOptions = {}): Promise<QuotaPreflight> {
  const resolve = planTimeResolver(executable, options.recorded);
  const warnings: string[] = [];
  const lookup = objectLookup(executable, resolve, options.snapshot, warnings);
  const inputs: DemandInput[] = [];
  for (const step of executable.steps) {
    const found = await demandOf(step, resolve, lookup);
    if (typeof found === 'string') warnings.push(found);
    else if (found) inputs.push(found);
  }
  const demand = quotaDemand(inputs);
  if (demand.size === 0) return { ok: true, problems: [], warnings, demand };
  const quotas = withPlannedLimits(await readQuotas(executable.clients, new Set(demand.keys()), warnings), executable, resolve);
  const auth = executable.clients.cloud.auth as { projectName?: string };
  const project = options.projectName ?? auth.projectName ?? executable.clients.projectId;
  const problems = quotaShortfalls(demand, quotas).map((s) => formatShortfall(s, project));
  return { ok: problems.length === 0, problems, warnings, demand };
}
