import { EndpointNotFoundError, isOpenStackError } from '../provider/openstack/errors.ts';
import type { Clients } from '../provider/openstack/openstack-client.ts';
import type { FieldChange, Kind } from '../provider/resources/types.ts';
import { executionResolver } from './apply/execution-resolver.ts';
import { keyOf, type ExecutablePlan, type PlannedStep, type RefResolver } from './plan/executable-plan.ts';
import {
  formatShortfall, quotaDemand, quotaShortfalls, type Demand, type DemandInput, type FlavorSize, type QuotaResource, type QuotaUsage,
} from './quota-fit.ts';

/**
 * Quota pre-flight: before anything is applied, does the plan fit in what
 * the project has left? Stopping here is better than a half-applied
 * stack and Nova's 403 on the fifth server.
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
}

const COMPUTE: readonly QuotaResource[] = ['instances', 'cores', 'ram', 'key_pairs'];
const VOLUME: readonly QuotaResource[] = ['volumes', 'gigabytes'];

function usageOf(value: unknown): QuotaUsage | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.limit !== 'number') return undefined;
  return { limit: v.limit, inUse: Number(v.in_use ?? 0), reserved: Number(v.reserved ?? 0) };
}

function refusal(error: unknown): string | undefined {
  if (error instanceof EndpointNotFoundError) return error.message;
  if (isOpenStackError(error) && (error.status === 403 || error.status === 404)) return error.message;
  return undefined;
}

/** Nova's detail and Cinder's usage view of the project's quotas, for the resources the plan needs. */
async function readQuotas(api: Clients, needed: ReadonlySet<QuotaResource>, warnings: string[]): Promise<Partial<Record<QuotaResource, QuotaUsage>>> {
  const quotas: Partial<Record<QuotaResource, QuotaUsage>> = {};
  const project = encodeURIComponent(api.projectId);
  const read = async (resources: readonly QuotaResource[], service: string, fetch: () => Promise<Record<string, unknown>>) => {
    if (!resources.some((r) => needed.has(r))) return;
    try {
      const set = await fetch();
      for (const r of resources) {
        const usage = usageOf(set[r]);
        if (usage) quotas[r] = usage;
      }
    } catch (error) {
      const why = refusal(error);
      if (why === undefined) throw error;
      warnings.push(`quota pre-flight: the ${service} quotas could not be read, so they were not checked (${why})`);
    }
  };
  await read(COMPUTE, 'compute', async () => (await api.compute.get(`/os-quota-sets/${project}/detail`)).body?.quota_set ?? {});
  await read(VOLUME, 'block storage', async () => (await api.volume.get(`/os-quota-sets/${project}`, { query: { usage: 'true' } })).body?.quota_set ?? {});
  return quotas;
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
    return found.id === undefined ? { id: `(known after apply: ${kind} ${name})`, name } : found;
  };
}

/** The step's spec with plan-time references; undefined when it cannot be built before its dependencies exist. */
function specOf(step: PlannedStep, resolve: RefResolver): Record<string, any> | undefined {
  if (!step.buildSpec) return undefined;
  try {
    return step.handler.normalize(step.buildSpec(resolve)) as Record<string, any>;
  } catch {
    return undefined;
  }
}

/** Reads flavors' sizes: from the plan's Flavor steps when it creates or changes them, else from the cloud (cached). */
function flavorSizes(executable: ExecutablePlan, resolve: RefResolver) {
  const cache = new Map<string, Promise<FlavorSize | undefined>>();
  const planned = new Map<string, FlavorSize>();
  for (const step of executable.steps) {
    if (step.resource.kind !== 'Flavor' || step.resource.action === 'delete' || step.resource.action === 'noop') continue;
    const spec = specOf(step, resolve);
    if (spec) planned.set(String(spec.name), { vcpus: Number(spec.vcpus), ram: Number(spec.ram) });
  }
  return (flavor: { id?: string; name?: string }): Promise<FlavorSize | undefined> => {
    const fromPlan = flavor.name !== undefined ? planned.get(flavor.name) : undefined;
    if (fromPlan) return Promise.resolve(fromPlan);
    const id = flavor.id;
    if (!id || id.startsWith('(known after apply')) return Promise.resolve(undefined);
    if (!cache.has(id)) {
      cache.set(id, executable.clients.compute.get(`/flavors/${encodeURIComponent(id)}`)
        .then(({ body }) => ({ vcpus: Number(body.flavor.vcpus), ram: Number(body.flavor.ram) }))
        .catch(() => undefined));
    }
    return cache.get(id)!;
  };
}

function changeOf(changes: readonly FieldChange[], apply: FieldChange['apply']): FieldChange | undefined {
  return changes.find((c) => c.apply === apply);
}

/** What one step adds, or why it could not be sized. */
async function demandOf(step: PlannedStep, resolve: RefResolver, sizeOf: ReturnType<typeof flavorSizes>): Promise<DemandInput | string | undefined> {
  const { kind, name, action } = step.resource;
  const label = `${kind} ${name}`;
  if (kind === 'Keypair') return action === 'create' ? { kind, label, change: 'create' } : undefined;
  if (kind === 'Volume') {
    const extend = changeOf(step.changes, 'extend');
    if (action === 'create' || action === 'replace') {
      const spec = specOf(step, resolve);
      const oldSize = Number((step.observed as { size?: unknown } | undefined)?.size ?? 0);
      return spec ? { kind, label, change: action, size: Number(spec.size), oldSize } : undefined;
    }
    return extend ? { kind, label, change: 'extend', size: Number(extend.to), oldSize: Number(extend.from ?? 0) } : undefined;
  }
  if (kind !== 'Server') return undefined;
  const resize = action === 'resize' || changeOf(step.changes, 'resize') !== undefined;
  if (action !== 'create' && action !== 'replace' && !resize) return undefined;
  const spec = specOf(step, resolve);
  if (!spec) return `quota pre-flight: the spec of ${label} could not be sized before its dependencies exist, so it was not counted`;
  const flavor = await sizeOf(spec.flavor ?? {});
  if (!flavor) return `quota pre-flight: the size of flavor ${spec.flavor?.name ?? '?'} of ${label} is unknown, so it was not counted`;
  if (action === 'create') return { kind, label, change: 'create', flavor };
  const observed = (step.observed as { flavor?: { id?: string; name?: string; vcpus?: number; ram?: number } } | undefined)?.flavor;
  const oldFlavor = observed?.vcpus !== undefined && observed.ram !== undefined ? { vcpus: observed.vcpus, ram: observed.ram } : await sizeOf(observed ?? {});
  return { kind, label, change: action === 'replace' ? 'replace' : 'resize', flavor, oldFlavor };
}

/**
 * Sums what `executable` adds (instances, cores and RAM of server creates
 * and resizes, flavors being created included; volumes and gigabytes of
 * volume creates and extends; key pairs) and compares it with the
 * project's quota and usage: Nova's `GET /os-quota-sets/{project}/detail`,
 * Cinder's `GET /os-quota-sets/{project}?usage=true`. Quotas the caller
 * may not read become warnings, not failures.
 *
 * @example
 * const check = await preflightQuota(executable);
 * if (!check.ok) throw new CliError(check.problems.join('\n'));
 */
export async function preflightQuota(executable: ExecutablePlan, options: PreflightOptions = {}): Promise<QuotaPreflight> {
  const resolve = planTimeResolver(executable, options.recorded);
  const sizeOf = flavorSizes(executable, resolve);
  const warnings: string[] = [];
  const inputs: DemandInput[] = [];
  for (const step of executable.steps) {
    const found = await demandOf(step, resolve, sizeOf);
    if (typeof found === 'string') warnings.push(found);
    else if (found) inputs.push(found);
  }
  const demand = quotaDemand(inputs);
  if (demand.size === 0) return { ok: true, problems: [], warnings, demand };
  const quotas = await readQuotas(executable.clients, new Set(demand.keys()), warnings);
  const auth = executable.clients.cloud.auth as { projectName?: string };
  const project = options.projectName ?? auth.projectName ?? executable.clients.projectId;
  const problems = quotaShortfalls(demand, quotas).map((s) => formatShortfall(s, project));
  return { ok: problems.length === 0, problems, warnings, demand };
}
