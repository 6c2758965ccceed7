import { faultReason, serverReadiness } from '../../provider/resources/server/server-readiness.ts';
import type { ServerObserved } from '../../provider/resources/server/server-observed.ts';
import { volumeReadiness } from '../../provider/resources/volume/volume-observed.ts';
import type { Manifest } from '../manifests/manifest-types.ts';

/**
 * Pure: is a managed object in a state novaform does not want it in? The
 * handlers' own readiness decides, so drift and apply agree:
 *
 * - a server whose readiness is `failed`: ERROR (with the cloud's fault
 *   message), or PAUSED, SUSPENDED, SHELVED, RESCUE, ... (an operator put
 *   it there; apply would stop at it);
 * - a server SHUTOFF while the manifest wants it running (the default);
 * - a volume in `error*`.
 *
 * A server or volume in transition (BUILD, RESIZE, extending, ...) is not
 * unhealthy: it is compared once it settles, and said so in a note.
 */

export type Health =
  | { readonly state: 'healthy' }
  | { readonly state: 'unhealthy'; readonly message: string }
  | { readonly state: 'transition'; readonly message: string };

const HEALTHY: Health = { state: 'healthy' };

/**
 * @example
 * healthOf(serverManifest, { status: 'ERROR', fault: { message: 'No valid host was found.' }, … })
 * // { state: 'unhealthy', message: 'server is ERROR: No valid host was found.' }
 */
export function healthOf(manifest: Manifest, observed: object): Health {
  if (manifest.kind === 'Server') {
    const server = observed as ServerObserved;
    const readiness = serverReadiness(server);
    if (readiness.state === 'failed') {
      return { state: 'unhealthy', message: server.status === 'ERROR' ? `server is ERROR: ${faultReason(server)}` : `server is ${server.status}: ${readiness.reason}` };
    }
    if (readiness.state === 'pending') return { state: 'transition', message: `server is in transition (${readiness.reason}); compared once it settles` };
    const wanted = manifest.spec.powerState ?? 'running';
    if (server.status === 'SHUTOFF' && wanted === 'running') {
      return { state: 'unhealthy', message: 'server is SHUTOFF (stopped outside novaform); the manifest wants it running' };
    }
    return HEALTHY;
  }
  if (manifest.kind === 'Volume') {
    const readiness = volumeReadiness(observed as { status: string });
    if (readiness.state === 'failed') return { state: 'unhealthy', message: readiness.reason };
    if (readiness.state === 'pending') return { state: 'transition', message: `${readiness.reason}; compared once it settles` };
  }
  return HEALTHY;
}
