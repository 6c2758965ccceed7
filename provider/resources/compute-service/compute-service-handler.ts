import type { ComputeServiceManifestSpec } from '../../../schemas/spec-types.ts';
import type { Clients } from '../../openstack/openstack-client.ts';
import type { KindModule } from '../kind.ts';
import { listComputeServices, listServersOnHost, setServiceEnabled, setServiceForcedDown } from './compute-service-api.ts';
import { diffComputeService, serverIdOfPath } from './compute-service-diff.ts';
import { computeServiceToManifest } from './compute-service-manifest.ts';
import type { ComputeServiceObserved } from './compute-service-observed.ts';
import { checkComputeService, computeServiceSpecOf, type ComputeServiceSpec } from './compute-service-spec.ts';
import { asState, moveCandidates, type ComputeServiceState } from './compute-service-state.ts';
import { computeServiceTerraform } from './compute-service-terraform.ts';
import { MoveFailedError } from './move-failure.ts';
import { coldMigrateServer, evacuateServer, liveMigrateServer, type MoveResult } from './server-moves.ts';

/** The services with the servers on their hosts and where those may go (among `services`, listed when not given). */
async function completeServices(api: Clients, objects: readonly ComputeServiceObserved[], listed?: readonly ComputeServiceObserved[]): Promise<ComputeServiceState[]> {
  if (objects.length === 0) return [];
  const services = listed ?? await listComputeServices(api);
  return Promise.all(objects.map(async (service) => ({
    ...asState(service),
    servers: await listServersOnHost(api, service.host),
    candidates: moveCandidates(service, services),
  })));
}

/** `web-1 (9d1c…): compute-1 -> compute-2 (live-migration 12, completed)`. */
function movedLine(name: string, result: MoveResult): string {
  const record = result.migrationId !== undefined ? ` ${result.migrationId}${result.migrationStatus ? `, ${result.migrationStatus}` : ''}` : '';
  return `${name} (${result.serverId}): ${result.fromHost} -> ${result.toHost} (${result.moveType}${record})`;
}

/**
 * A host's nova-compute service (admin only, compute 2.53+: services by
 * uuid). A kind that configures what the cloud made (`configures`): the
 * manifest names a host; novaform never creates or deletes a service, and
 * removing the manifest leaves the service as it is (no `release`: its
 * deletionPolicy is Retain).
 *
 * `update` applies a diff's changes in its order (compute-service-diff.ts):
 * force down, evacuate each server, drain each server (one at a time, each
 * waited for), then enable or disable. A server that cannot move stops the
 * drain with Nova's reason before the host is disabled, so a failed drain
 * leaves the host enabled; the servers moved before it stay where they
 * went. Where each server went is reported (`UpdateContext.report`).
 *
 * @example
 * const spec = computeServiceHandler.fromManifest('compute-1', { enabled: false, drain: 'live' }, resolve);
 */
export const computeServiceHandler: KindModule<ComputeServiceSpec, ComputeServiceState, ComputeServiceManifestSpec> = {
  kind: 'ComputeService',
  noun: 'compute service',
  rank: 6,
  holdsData: false,
  uniqueNames: true,
  // The heartbeat moves every few seconds and decides nothing.
  volatileFields: ['updatedAt'],

  configures: { target: (name, spec) => spec.host ?? name },

  listAll: async (api) => (await listComputeServices(api)).map(asState),
  complete: (api, objects) => completeServices(api, objects),
  stamp: () => undefined,
  references: () => [],
  fromManifest: (name, spec) => computeServiceSpecOf(name, spec),
  toManifest: computeServiceToManifest,
  checkManifest: checkComputeService,
  // Every host has a service: one nobody declares is not "unmanaged drift".
  reportUnmanaged: () => false,

  health: (observed) => (observed.up || observed.forcedDown
    ? { healthy: true }
    : { healthy: false, message: `nova-compute on ${observed.host} is down: no heartbeat since ${observed.updatedAt ?? 'it started'}` }),

  normalize: (spec) => spec,
  specReferences: () => [],

  async read(api, id) {
    const services = await listComputeServices(api);
    const service = services.find((s) => s.id === id);
    return service ? (await completeServices(api, [service], services))[0] : undefined;
  },

  diff: (desired, observed) => diffComputeService(desired, observed),

  create() {
    throw new Error('novaform never creates a compute service: a ComputeService manifest names an existing host');
  },

  async update(api, observed, desired, changes, context) {
    const report = (line: string) => context?.report(line);
    const has = (path: string) => changes.some((c) => c.path === path);
    const servers = new Map((observed.servers ?? []).map((s) => [s.id, s]));
    const moved: string[] = [];
    const move = async (apply: 'migrate' | 'evacuate') => {
      for (const change of changes.filter((c) => c.apply === apply)) {
        const id = serverIdOfPath(change.path)!;
        const server = servers.get(id);
        const name = server?.name ?? id;
        let result: MoveResult;
        try {
          result = apply === 'evacuate' ? await evacuateServer(api, id)
            : desired.drain === 'live' && server?.status !== 'SHUTOFF' ? await liveMigrateServer(api, id)
            : await coldMigrateServer(api, id);
        } catch (error) {
          if (!(error instanceof MoveFailedError)) throw error;
          const before = moved.length > 0 ? ` (moved before it: ${moved.join(', ')})` : '';
          throw new Error(`${name} (${id}) could not move off ${observed.host} (${error.moveType}), so ${observed.host} is left ${observed.enabled ? 'enabled' : 'as it was'}${before}. Nova says: ${error.reason}`, { cause: error });
        }
        moved.push(name);
        report(movedLine(name, result));
      }
    };
    if (has('spec.forcedDown') && desired.forcedDown) await setServiceForcedDown(api, observed.id, true);
    await move('evacuate');
    await move('migrate');
    if (has('spec.forcedDown') && !desired.forcedDown) await setServiceForcedDown(api, observed.id, false);
    if (has('spec.enabled') || has('spec.disabledReason')) await setServiceEnabled(api, observed.id, desired.enabled, desired.enabled ? undefined : desired.disabledReason);
    const after = await computeServiceHandler.read(api, observed.id);
    if (!after) throw new Error(`the compute service of ${observed.host} (${observed.id}) disappeared during the update`);
    return after;
  },

  delete() {
    // Never reached: without `configures.release` the plan only forgets a service (deletionPolicy Retain).
    throw new Error('novaform never deletes a compute service');
  },

  readiness: () => ({ state: 'ready' }),
  terraform: computeServiceTerraform,
};
