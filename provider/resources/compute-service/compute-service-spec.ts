import type { ComputeServiceManifestSpec, DrainMode } from '../../../schemas/spec-types.ts';
import type { ManifestIssue } from '../manifest-checks.ts';

/** A ComputeService manifest's spec as the handler takes it, defaults filled in. */
export interface ComputeServiceSpec {
  readonly host: string;
  readonly enabled: boolean;
  readonly disabledReason?: string;
  readonly drain: DrainMode;
  readonly forcedDown: boolean;
  readonly evacuate: boolean;
}

/**
 * Pure: the manifest spec with its defaults (the host is the manifest's
 * name; enabled; no drain; not forced down; no evacuation).
 *
 * @example
 * computeServiceSpecOf('compute-1', { enabled: false, drain: 'live' })
 * // { host: 'compute-1', enabled: false, drain: 'live', forcedDown: false, evacuate: false }
 */
export function computeServiceSpecOf(name: string, spec: ComputeServiceManifestSpec): ComputeServiceSpec {
  return {
    host: spec.host ?? name,
    enabled: spec.enabled ?? true,
    ...(spec.disabledReason !== undefined ? { disabledReason: spec.disabledReason } : {}),
    drain: spec.drain ?? 'none',
    forcedDown: spec.forcedDown ?? false,
    evacuate: spec.evacuate ?? false,
  };
}

/**
 * Pure: the rules between a ComputeService's fields that its schema does
 * not say (the module's `checkManifest`).
 *
 * - `forcedDown: true` needs `fenced: true`: Nova's documentation warns
 *   that a host forced down while it still runs its servers corrupts their
 *   disks once they are evacuated, and novaform cannot see the power;
 * - `evacuate: true` needs `forcedDown: true`: Nova evacuates only from a
 *   host whose service is down;
 * - a drain, and a disabled reason, belong to a disabled host;
 * - a drain and an evacuation do not go together: one moves servers off a
 *   live host, the other rebuilds them from a dead one.
 */
export function checkComputeService(spec: ComputeServiceManifestSpec): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const enabled = spec.enabled ?? true;
  if (spec.forcedDown === true && spec.fenced !== true) {
    issues.push({ path: ['spec', 'forcedDown'], code: 'unfenced-forced-down', message: 'forcedDown: true needs fenced: true', hints: ['power the host off or cut it off from its storage and network, then say so with fenced: true: evacuating servers from a host that still runs them corrupts their disks'] });
  }
  if (spec.evacuate === true && spec.forcedDown !== true) {
    issues.push({ path: ['spec', 'evacuate'], code: 'evacuate-needs-forced-down', message: 'evacuate: true needs forcedDown: true', hints: ['Nova evacuates only from a host whose compute service is down: set forcedDown: true and fenced: true'] });
  }
  if (spec.drain !== undefined && spec.drain !== 'none' && enabled) {
    issues.push({ path: ['spec', 'drain'], code: 'drain-needs-disabled', message: `drain: ${spec.drain} empties a host that is being disabled`, hints: ['set enabled: false, or remove drain'] });
  }
  if (spec.drain !== undefined && spec.drain !== 'none' && spec.evacuate === true) {
    issues.push({ path: ['spec', 'drain'], code: 'drain-and-evacuate', message: 'drain and evacuate do not go together: a drain moves servers off a running host, an evacuation rebuilds them from a dead one', hints: ['keep one of them'] });
  }
  if (spec.disabledReason !== undefined && enabled) {
    issues.push({ path: ['spec', 'disabledReason'], code: 'reason-needs-disabled', message: 'disabledReason is for a disabled host', hints: ['set enabled: false, or remove disabledReason'] });
  }
  return issues;
}
