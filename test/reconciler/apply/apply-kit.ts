import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clients } from '../../../provider/openstack/openstack-client.ts';
import type { AnyKindModule } from '../../../provider/resources/kind.ts';
import { createServerHandler } from '../../../provider/resources/server/server-handler.ts';
import type { FieldChange, Kind } from '../../../provider/resources/types.ts';
import { DEFAULT_HANDLERS } from '../../../reconciler/plan/handlers.ts';
import type { ApplyEvent, ApplyOptions, ApplyResult } from '../../../reconciler/apply/apply-types.ts';
import { applyPlan } from '../../../reconciler/apply/apply-plan.ts';
import type { ExecutablePlan, PlannedStep, RefResolver } from '../../../reconciler/plan/executable-plan.ts';
import { PLAN_ACTIONS, type PlanAction, type ResourceKey } from '../../../reconciler/plan/plan-model.ts';
import { openState, type StateStore } from '../../../reconciler/state/state-store.ts';
import { openTestCloud, type TestCloud } from '../../helpers/test-cloud.ts';
import { sshPublicKey, TEST_WAITS } from '../../provider/resources/server/server-cloud-kit.ts';

/**
 * ExecutablePlans built by hand from the real handlers, run against the
 * engine (or NOVAFORM_TEST_CLOUD) with the real state store in a temp
 * directory: the executor's tests without the planner.
 */

export const HANDLERS: Readonly<Record<Kind, AnyKindModule>> = { ...DEFAULT_HANDLERS, Server: createServerHandler(TEST_WAITS) };

/** The objects of `kind` whose stamp names `stack`, with the manifest name the stamp carries. */
export async function listOwned(kind: Kind, api: Clients, stack: string): Promise<Array<{ owner: { name: string }; observed: any }>> {
  const module = HANDLERS[kind];
  return (await module.listAll(api)).flatMap((observed: { id: string }) => {
    const stamp = module.stamp(observed);
    return stamp?.stack === stack ? [{ owner: { name: stamp.name }, observed }] : [];
  });
}

/** Fast retries and polls for tests. */
export const FAST: Pick<ApplyOptions, 'retry' | 'wait'> = {
  retry: { attempts: 6, baseDelayMs: 20, maxDelayMs: 200 },
  wait: { minIntervalMs: 20, maxIntervalMs: 200, timeoutMs: 60_000 },
};

export interface StepInput {
  kind: Kind;
  name: string;
  action: PlanAction;
  buildSpec?: (resolve: RefResolver) => unknown;
  observed?: { id: string };
  changes?: FieldChange[];
  lastApplied?: unknown;
  dependsOn?: ResourceKey[];
  deletionPolicy?: 'Delete' | 'Retain';
}

export interface ApplyKit {
  readonly cloud: TestCloud;
  readonly api: Clients;
  readonly stack: string;
  readonly state: StateStore;
  readonly cirros: string;
  readonly publicKey: string;
  /** `<prefix>-<name>`: cloud names unique to this test file. */
  n(name: string): string;
  step(input: StepInput): PlannedStep;
  plan(steps: PlannedStep[]): ExecutablePlan;
  /** applyPlan with fast retries and waits; events collected. */
  apply(steps: PlannedStep[], options?: Partial<ApplyOptions>): Promise<{ result: ApplyResult; events: ApplyEvent[] }>;
  /** The plan-time part of an update step: reads, diffs, picks the action like the planner. */
  updateStep(kind: Kind, name: string, buildSpec: (resolve: RefResolver) => unknown, id: string, extra?: Partial<StepInput>): Promise<PlannedStep>;
  /** Deletes everything the stack owns (by listing and by state records), then closes. */
  cleanup(): Promise<void>;
}

export async function openApplyKit(name: string, engineConfig?: Record<string, unknown>): Promise<ApplyKit> {
  const cloud = await openTestCloud({ name, engineConfig });
  const dir = await mkdtemp(join(tmpdir(), 'novaform-apply-'));
  const stack = `${cloud.prefix}-stack`;
  const state = await openState(dir, stack);
  const api = cloud.admin;
  const { body } = await api.image.get('/images', { query: { name: 'cirros' } });
  const cirros = String(body.images[0].id);
  const publicKey = sshPublicKey();

  const step = (input: StepInput): PlannedStep => ({
    resource: {
      kind: input.kind, name: input.name, id: input.observed?.id ?? null, action: input.action,
      dataLoss: (input.changes ?? []).some((c) => c.dataLoss), changes: [], dependsOn: input.dependsOn ?? [],
      deletionPolicy: input.deletionPolicy ?? 'Delete', warnings: [],
    },
    handler: HANDLERS[input.kind],
    owner: { stack, kind: input.kind, name: input.name },
    ...(input.buildSpec ? { buildSpec: input.buildSpec } : {}),
    ...(input.observed ? { observed: input.observed } : {}),
    changes: input.changes ?? [],
    ...(input.lastApplied !== undefined ? { lastApplied: input.lastApplied } : {}),
  });
  const plan = (steps: PlannedStep[]): ExecutablePlan => {
    const summary = Object.fromEntries(PLAN_ACTIONS.map((a) => [a, steps.filter((s) => s.resource.action === a).length])) as Record<PlanAction, number>;
    return {
      plan: { version: 1, stack, cloud: 'test', createdAt: new Date().toISOString(), actions: steps.map((s) => s.resource), summary, manifests: {} },
      steps, pinned: new Map(), clients: api,
    };
  };

  return {
    cloud, api, stack, state, cirros, publicKey, step, plan,
    n: (suffix) => `${cloud.prefix}-${suffix}`,
    async apply(steps, options = {}) {
      const events: ApplyEvent[] = [];
      const result = await applyPlan(plan(steps), { state, ...FAST, ...options, onProgress: (e) => { events.push(e); options.onProgress?.(e); } });
      return { result, events };
    },
    async updateStep(kind, resourceName, buildSpec, id, extra = {}) {
      const handler = HANDLERS[kind];
      const observed = await handler.read(api, id);
      if (!observed) throw new Error(`${kind} ${id} does not exist`);
      const fromState: RefResolver = (k, n) => ({ id: state.get(k, n)?.cloudId, name: n });
      const spec = handler.normalize(buildSpec(fromState));
      const lastApplied = extra.lastApplied ?? state.get(kind, resourceName)?.lastApplied;
      const changes = handler.diff(spec, observed, { computeAtLeast: (a, b) => api.computeVersion.atLeast(a, b), lastApplied });
      const action: PlanAction = changes.length === 0 ? 'noop'
        : changes.some((c) => c.apply === 'replace') ? 'replace'
          : changes.some((c) => c.apply === 'rebuild') ? 'rebuild'
            : changes.some((c) => c.apply === 'resize') ? 'resize' : 'update';
      return step({ kind, name: resourceName, action, buildSpec, observed, changes, lastApplied, ...extra });
    },
    async cleanup() {
      const problems: unknown[] = [];
      const owned: Array<{ kind: Kind; observed: { id: string } }> = [];
      for (const kind of ['Server', 'Volume', 'Aggregate', 'Flavor', 'Keypair'] as const) {
        for (const item of await listOwned(kind, api, stack)) owned.push({ kind, observed: item.observed });
      }
      for (const record of state.resources()) {
        if (!owned.some((o) => o.kind === record.kind && o.observed.id === record.cloudId)) {
          const observed = await HANDLERS[record.kind].read(api, record.cloudId).catch(() => undefined);
          if (observed) owned.push({ kind: record.kind, observed });
        }
      }
      // Servers first: their volumes are in use until they are gone.
      for (const group of [owned.filter((o) => o.kind === 'Server'), owned.filter((o) => o.kind !== 'Server')]) {
        await Promise.all(group.map(async ({ kind, observed }) => {
          try {
            await HANDLERS[kind].delete(api, observed);
          } catch (error) {
            problems.push(error);
          }
        }));
      }
      await state.close();
      await rm(dir, { recursive: true, force: true });
      await cloud.close();
      if (problems.length > 0) throw new AggregateError(problems, `cleanup of ${stack} left ${problems.length} problem(s)`);
    },
  };
}

/** The result of `kind/name`, or a thrown assertion-friendly error. */
export function resultOf(result: ApplyResult, kind: Kind, name: string) {
  const found = result.results.find((r) => r.kind === kind && r.name === name);
  if (!found) throw new Error(`no result for ${kind} ${name}: ${JSON.stringify(result.results)}`);
  return found;
}
