import type { DriftReport } from '../drift/drift-model.ts';
import type { ExecutablePlan } from '../plan/executable-plan.ts';
import type { PlannedResource } from '../plan/plan-model.ts';
import { hasSecretDigests, keyChanges } from './digest-key.ts';

/**
 * Plans and drift reports as they leave a stack session: every secret
 * digest in them keyed with the stack's digest key (digest-key.ts), so
 * what is printed, saved (`plan --out`) or stored by the controller
 * cannot be used to test guesses of a secret. Pure.
 *
 * Comparisons keep working: a kind module still decides "changed" on the
 * texts (or on its plain digests) before any keying, and keying is
 * deterministic per stack, so `apply PLANFILE` compares a saved plan's
 * keyed changes with a fresh plan's keyed changes of the same stack.
 */

/**
 * The plan with its actions' secret digests keyed; steps point at the
 * keyed actions. `key` is asked for only when there is something to key
 * (digest-key.ts: a plan without secrets writes nothing).
 *
 * @example
 * const keyed = await keyPlanDigests(await planStack(input), () => backend.digestKey('web'));
 * keyed.plan.actions[0].changes[0].to // 'hmac:…' for spec.userData
 */
export async function keyPlanDigests(executable: ExecutablePlan, getKey: () => Promise<Buffer>): Promise<ExecutablePlan> {
  if (!hasSecretDigests(executable.plan.actions.flatMap((a) => a.changes), ['from', 'to'])) return executable;
  const key = await getKey();
  const keyed = new Map<PlannedResource, PlannedResource>();
  const keyResource = (resource: PlannedResource): PlannedResource => {
    const known = keyed.get(resource);
    if (known) return known;
    const out = { ...resource, changes: keyChanges(key, resource.changes, ['from', 'to']) };
    keyed.set(resource, out);
    return out;
  };
  const actions = executable.plan.actions.map(keyResource);
  const steps = executable.steps.map((step) => ({ ...step, resource: keyResource(step.resource) }));
  return { ...executable, plan: { ...executable.plan, actions }, steps };
}

/**
 * The drift report with its changes' secret digests keyed (`key` asked for only when needed).
 *
 * @example
 * (await keyDriftDigests(report, () => backend.digestKey('web'))).resources[0].changes[0].actual // 'hmac:…' for spec.userData
 */
export async function keyDriftDigests(report: DriftReport, getKey: () => Promise<Buffer>): Promise<DriftReport> {
  if (!hasSecretDigests(report.resources.flatMap((r) => r.changes), ['desired', 'actual'])) return report;
  const key = await getKey();
  return { ...report, resources: report.resources.map((r) => ({ ...r, changes: keyChanges(key, r.changes, ['desired', 'actual']) })) };
}
