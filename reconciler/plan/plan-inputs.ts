import { createHash } from 'node:crypto';
import type { BuildPlanInput } from './build-plan.ts';

/**
 * A digest of everything a plan is computed from: the manifests, the
 * options, the stack's records and the cloud as read. Two plans of equal
 * digests are equal (build-plan.ts is a pure function of these), so a
 * caller that kept the digest of a plan it already acted on (a
 * controller's quiet resync) can tell "nothing changed" without building
 * the plan again: at 10,000 resources that is most of a pass's CPU.
 *
 * Rules:
 * - undefined when the plan also depends on the clock: a declared
 *   resource has a create whose outcome is unknown (its grace period runs),
 *   so no two plans are known to be equal;
 * - JSON text of plain data only: every input here is JSON (the snapshot's
 *   maps are spelled out as entries), so equal text means equal input;
 * - a manifest counts by its content, not by where it is written.
 *
 * @example
 * planInputsDigest({ documents, stack: 'prod', cloudName: 'lab', state, snapshot }, '2.93') // 'sha256:…'
 */
export function planInputsDigest(input: Omit<BuildPlanInput, 'computeAtLeast' | 'handlers' | 'now'>, computeVersion: string): string | undefined {
  const { state, snapshot } = input;
  if (state.pendingCreate && input.documents.some((m) => state.pendingCreate!(m.kind, m.metadata.name))) return undefined;
  const hash = createHash('sha256');
  const part = (value: unknown) => hash.update(JSON.stringify(value ?? null)).update('\n');
  part([input.stack, input.cloudName, computeVersion, input.prune ?? true, input.replace ?? [], input.createGraceMs ?? null, input.manifestDigests ?? null]);
  // Not `source`, `locate` or a reference's `location`: places only matter to diagnostics, and reading one parses its file again (the loader finds them lazily).
  part(input.documents.map((m) => [m.apiVersion, m.kind, m.metadata, m.spec, m.dependsOn]));
  part((input.unresolvedRefs ?? []).map((r) => [r.from, r.path, r.target, r.name, r.outsideSelection]));
  part(state.resources());
  part([...snapshot.objects]);
  part(snapshot.images);
  part(snapshot.unavailable);
  return `sha256:${hash.digest('hex')}`;
}
