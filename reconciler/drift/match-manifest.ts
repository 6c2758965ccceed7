import type { Manifest } from '../manifests/manifest-types.ts';
import { DEFAULT_CREATE_GRACE_MS } from '../plan/build-plan.ts';
import { matchDeclared, type Match } from '../plan/match-observed.ts';
import type { CloudSnapshot } from '../plan/read-cloud.ts';
import type { StateView } from '../plan/state-view.ts';

/**
 * Pure: the cloud object a manifest means, matched with exactly the
 * inputs the planner gives `matchDeclared` (state record, the spec's `import` or target, the
 * journal's unresolved create, the grace period), for the parts of drift
 * that look at one resource outside the plan's steps.
 *
 * @example
 * matchManifest({ snapshot, stack: 'prod', state, manifest: web1, nowMs: Date.now() })
 * // { ok: true, observed: { id: 'c0ffee…', … }, warnings: [] }
 */
export function matchManifest(input: { snapshot: CloudSnapshot; stack: string; state: StateView; manifest: Manifest; nowMs: number }): Match {
  const { snapshot, stack, state, manifest, nowMs } = input;
  const { kind } = manifest;
  const name = manifest.metadata.name;
  const record = state.get(kind, name);
  const pendingCreate = state.pendingCreate?.(kind, name);
  return matchDeclared({
    snapshot, stack, kind, name, now: nowMs, graceMs: DEFAULT_CREATE_GRACE_MS, spec: manifest.spec,
    ...(record ? { record } : {}), ...(pendingCreate ? { pendingCreate } : {}),
  });
}
