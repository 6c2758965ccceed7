import type { Clients } from '../../provider/openstack/openstack-client.ts';
import { buildPlan, type BuildPlanInput } from './build-plan.ts';
import type { ExecutablePlan } from './executable-plan.ts';
import { kindModule } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import { ownedInCloud } from './match-observed.ts';
import { planInputsDigest } from './plan-inputs.ts';
import { completeManaged, objectsOf, readCloud, withConfigured, type CloudSnapshot } from './read-cloud.ts';

export interface PlanStackInput extends Omit<BuildPlanInput, 'snapshot' | 'computeAtLeast'> {
  readonly clients: Clients;
  /** The cloud's listings when a read of them is already under way (a session's read-ahead); default: read them now. */
  readonly listing?: Promise<CloudSnapshot>;
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
  return buildFrom(input, await readStackCloud(input.clients, input.documents, input.state, input.stack, input.listing));
}

function buildFrom(input: PlanStackInput, snapshot: CloudSnapshot): ExecutablePlan {
  const { clients } = input;
  return { ...buildPlan({ ...input, snapshot, computeAtLeast: (major, minor) => clients.computeVersion.atLeast(major, minor) }), clients };
}

/**
 * `planStack`, unless the inputs are those of the plan whose digest is
 * `previous` (plan-inputs.ts): then the cloud is read (the one listing per
 * kind a pass costs) but no plan is built, and `executable` is undefined.
 * `inputs` is the digest of this call's inputs, for the next call
 * (undefined when they depend on the clock).
 *
 * @example
 * const first = await planStackUnlessUnchanged(input, undefined);   // { inputs: 'sha256:…', executable }
 * const again = await planStackUnlessUnchanged(input, first.inputs); // { inputs: 'sha256:…' } when nothing moved
 */
export async function planStackUnlessUnchanged(input: PlanStackInput, previous: string | undefined): Promise<{ inputs?: string; executable?: ExecutablePlan }> {
  const snapshot = await readStackCloud(input.clients, input.documents, input.state, input.stack, input.listing);
  const inputs = planInputsDigest({ ...input, snapshot }, input.clients.computeVersion.toString());
  if (inputs !== undefined && inputs === previous) return { inputs };
  return { ...(inputs !== undefined ? { inputs } : {}), executable: buildFrom(input, snapshot) };
}

/**
 * The cloud as a plan of this stack reads it: one paged listing per kind,
 * plus what a listing leaves out (a flavor's extra specs) for the objects
 * the stack manages (declared by name, in its state, or stamped as its own). Shared with drift detection, so
 * both read exactly the same way. Reads only. `listing` is the listings'
 * read when one is already under way (readCloud's result), else they are read now.
 */
export async function readStackCloud(clients: Clients, documents: PlanStackInput['documents'], state: PlanStackInput['state'], stack: string, listing?: Promise<CloudSnapshot>): Promise<CloudSnapshot> {
  const stackKinds = new Set<Kind>([...documents.map((m) => m.kind), ...state.resources().map((r) => r.kind)]);
  const listed = await withConfigured(clients, await (listing ?? readCloud(clients)), stackKinds);
  const managed = new Map<Kind, Set<string>>();
  const add = (kind: Kind, id: string) => (managed.get(kind) ?? managed.set(kind, new Set()).get(kind)!).add(id);
  const declared = new Set(documents.map((m) => `${m.kind}/${m.metadata.name}`));
  for (const [kind, objects] of listed.objects) {
    for (const object of objects) if (typeof object.name === 'string' && declared.has(`${kind}/${object.name}`)) add(kind, object.id);
  }
  for (const m of documents) {
    const target = kindModule(m.kind).configures?.target(m.metadata.name, m.spec as never);
    if (!target) continue;
    for (const object of objectsOf(listed, m.kind)) if (object.id === target || object.name === target) add(m.kind, object.id);
  }
  for (const record of state.resources()) add(record.kind, record.cloudId);
  for (const owned of ownedInCloud(listed, stack)) add(owned.kind, owned.observed.id);
  return completeManaged(clients, listed, managed);
}
