import type { Clients } from '../../provider/openstack/openstack-client.ts';
import { readStackCloud } from '../plan/plan-stack.ts';
import type { CloudSnapshot } from '../plan/read-cloud.ts';
import { classifyDrift, type ClassifyDriftInput } from './classify-drift.ts';
import type { DriftReport } from './drift-model.ts';
import { withUnhealthyDetails } from './unhealthy-details.ts';

export interface DetectDriftInput extends Omit<ClassifyDriftInput, 'snapshot' | 'computeAtLeast'> {
  readonly clients: Clients;
  /** The cloud's listings when a read of them is already under way (a session's read-ahead); default: read them now. */
  readonly listing?: Promise<CloudSnapshot>;
}

/**
 * Compares a stack's manifests with the cloud and says what changed
 * behind novaform's back (see classify-drift.ts for the categories).
 *
 * Contract:
 * - It MUST NOT write to the cloud: it reads exactly what `plan` reads
 *   (one paged listing per kind, plus the extra specs / access of managed
 *   flavors a listing leaves out), never one GET per object; the only
 *   per-object reads are of the resources found unhealthy, for the
 *   cloud's own words a listing leaves out (unhealthy-details.ts: a
 *   server's fault); normally there are none.
 * - It MUST NOT write state: `state` is a read-only view.
 * - Problems that stop a plan (an unresolvable reference, two objects
 *   claiming one manifest) are thrown as the planner's `PlanError`; a
 *   change the cloud cannot make is drift (`apply: 'manual'`), not an error.
 *
 * @example
 * const loaded = await loadManifests(['examples/quickstart']);
 * const report = await detectDrift({ documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs, stack: 'quickstart', clients, state });
 * if (!report.inSync) process.stdout.write(renderDriftText(report));
 * // report.summary -> { changed: 1, missing: 0, unhealthy: 0, unmanaged: 0 }
 */
export async function detectDrift(input: DetectDriftInput): Promise<DriftReport> {
  const { clients, listing, ...rest } = input;
  const classify = (snapshot: CloudSnapshot) => classifyDrift({ ...rest, snapshot, computeAtLeast: (major, minor) => clients.computeVersion.atLeast(major, minor) });
  const listed = await readStackCloud(clients, input.documents, input.state, input.stack, listing);
  const first = classify(listed);
  const detailed = await withUnhealthyDetails(clients, listed, first.resources);
  return detailed === listed ? first : classify(detailed);
}
