import { kindModule } from '../../provider/resources/registry.ts';
import type { Manifest } from '../manifests/manifest-types.ts';

/**
 * Pure: is a managed object in a state novaform does not want it in? The
 * kind module's optional `health` decides (built on the readiness the
 * executor waits on, so drift and apply agree): a server in ERROR (with the
 * cloud's fault message), PAUSED, SHELVED..., or SHUTOFF while the manifest
 * wants it running; a volume in `error*`. A kind without `health` is
 * always healthy.
 *
 * An object in transition (BUILD, RESIZE, extending, ...) is not unhealthy:
 * it is compared once it settles, and said so in a note.
 */

export type DriftHealth =
  | { readonly state: 'healthy' }
  | { readonly state: 'unhealthy'; readonly message: string }
  | { readonly state: 'transition'; readonly message: string };

/**
 * @example
 * healthOf(serverManifest, { status: 'ERROR', fault: { message: 'No valid host was found.' }, … })
 * // { state: 'unhealthy', message: 'server is ERROR: No valid host was found.' }
 */
export function healthOf(manifest: Manifest, observed: object): DriftHealth {
  const health = kindModule(manifest.kind).health?.(observed, manifest.spec);
  if (!health) return { state: 'healthy' };
  if (!health.healthy) return { state: 'unhealthy', message: health.message };
  return health.transition !== undefined ? { state: 'transition', message: health.transition } : { state: 'healthy' };
}
