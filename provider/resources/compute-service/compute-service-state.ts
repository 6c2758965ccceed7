import type { ComputeServiceObserved, HostServer } from './compute-service-observed.ts';

/**
 * A compute service as the kind sees it: the service, named by its host
 * (matching goes by name), and, once `complete` read them, the servers on
 * the host and the hosts a moved server may go to.
 */
export interface ComputeServiceState extends ComputeServiceObserved {
  /** The host: what a manifest names. */
  readonly name: string;
  /** Every project's servers on the host; undefined until read. */
  readonly servers?: readonly HostServer[];
  /** The other hosts of the same zone whose service is enabled and up: where the scheduler may put a moved server. */
  readonly candidates?: readonly string[];
}

/** The service named by its host. Pure. */
export function asState(service: ComputeServiceObserved): ComputeServiceState {
  return { ...service, name: service.host };
}

/**
 * Pure: the hosts a server of `service` may move to, among `services`:
 * the same zone, enabled, up (so not forced down), another host.
 *
 * @example
 * moveCandidates(c1, [c1, c2, c3Disabled]) // ['compute-2']
 */
export function moveCandidates(service: ComputeServiceObserved, services: readonly ComputeServiceObserved[]): string[] {
  return services.filter((s) => s.host !== service.host && s.zone === service.zone && s.enabled && s.up && !s.forcedDown).map((s) => s.host).sort();
}
