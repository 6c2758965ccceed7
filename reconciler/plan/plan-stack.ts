import type { Clients } from '../../provider/openstack/openstack-client.ts';
import { buildPlan, type BuildPlanInput } from './build-plan.ts';
import type { ExecutablePlan } from './executable-plan.ts';
import { completeFlavors, readCloud, type CloudSnapshot } from './read-cloud.ts';

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
  const snapshot = await readStackCloud(clients, input.documents, input.state);
  const built = buildPlan({ ...input, snapshot, computeAtLeast: (major, minor) => clients.computeVersion.atLeast(major, minor) });
  return { ...built, clients };
}

/**
 * The cloud as a plan of this stack reads it: one paged listing per kind,
 * plus what the flavor listing leaves out for the flavors the stack
 * manages (declared, or in its state). Shared with drift detection, so
 * both read exactly the same way. Reads only.
 */
export async function readStackCloud(clients: Clients, documents: PlanStackInput['documents'], state: PlanStackInput['state']): Promise<CloudSnapshot> {
  const listed = await readCloud(clients);
  const flavorNames = new Set(documents.filter((m) => m.kind === 'Flavor').map((m) => m.metadata.name));
  const flavorIds = new Set(state.resources().filter((r) => r.kind === 'Flavor').map((r) => r.cloudId));
  const managed = new Set(listed.flavors.filter((f) => flavorNames.has(f.name) || flavorIds.has(f.id)).map((f) => f.id));
  return completeFlavors(clients, listed, managed);
}
