import type { Clients } from '../../provider/openstack/openstack-client.ts';
import { buildPlan, type BuildPlanInput } from './build-plan.ts';
import type { ExecutablePlan } from './executable-plan.ts';
import { completeFlavors, readCloud } from './read-cloud.ts';

export interface PlanStackInput extends Omit<BuildPlanInput, 'snapshot' | 'computeAtLeast'> {
  readonly clients: Clients;
}

/**
 * Plans a stack: reads the cloud (one paged listing per kind, plus the
 * extra specs / access lists of the flavors the stack manages when the
 * listing leaves them out), then decides every resource's action
 * (build-plan.ts). Reads only: nothing in the cloud or the state changes.
 *
 * @throws PlanError with every problem found (unresolvable reference, volume shrink, ...).
 *
 * @example
 * const loaded = await loadManifests(['examples/quickstart']);
 * const executable = await planStack({ documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, stack: 'quickstart', clients, state, cloudName: 'embedded' });
 * process.stdout.write(renderPlan(executable.plan));
 */
export async function planStack(input: PlanStackInput): Promise<ExecutablePlan> {
  const { clients } = input;
  const listed = await readCloud(clients);
  const flavorNames = new Set(input.documents.filter((m) => m.kind === 'Flavor').map((m) => m.metadata.name));
  const flavorIds = new Set(input.state.resources().filter((r) => r.kind === 'Flavor').map((r) => r.cloudId));
  const managed = new Set(listed.flavors.filter((f) => flavorNames.has(f.name) || flavorIds.has(f.id)).map((f) => f.id));
  const snapshot = await completeFlavors(clients, listed, managed);
  const built = buildPlan({ ...input, snapshot, computeAtLeast: (major, minor) => clients.computeVersion.atLeast(major, minor) });
  return { ...built, clients };
}
