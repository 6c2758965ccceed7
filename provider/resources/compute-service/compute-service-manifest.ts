import type { ComputeServiceManifestSpec } from '../../../schemas/spec-types.ts';
import { described, type DescribedObject } from '../to-manifest.ts';
import type { ComputeServiceState } from './compute-service-state.ts';

/**
 * Pure: the ComputeService manifest that declares a service as it is:
 * disabled with its reason, forced down (with `fenced`, which the schema
 * requires: a note says novaform wrote it, not the operator). A drain or
 * an evacuation is an intent, not a state: never written.
 *
 * @example
 * computeServiceToManifest({ id: 'u1', host: 'compute-1', name: 'compute-1', enabled: false, disabledReason: 'disk', ... })
 * // { name: 'compute-1', spec: { enabled: false, disabledReason: 'disk' }, notes: [] }
 */
export function computeServiceToManifest(observed: ComputeServiceState): DescribedObject<ComputeServiceManifestSpec> {
  const spec: ComputeServiceManifestSpec = {
    ...(observed.enabled ? {} : { enabled: false, ...(observed.disabledReason ? { disabledReason: observed.disabledReason } : {}) }),
    ...(observed.forcedDown ? { forcedDown: true, fenced: true } : {}),
  };
  const notes = observed.forcedDown ? [`spec.fenced: the service is forced down, so the host was presumably fenced; novaform cannot check that`] : [];
  return described(observed.host, spec, notes);
}
