import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { atLeast } from '../../http/microversion.ts';
import { authOf } from '../../http/request-context.ts';
import { naiveMicros } from '../../util/time.ts';
import { hostAvailabilityZone } from '../availability-zones.ts';
import type { Server } from '../compute-model.ts';
import { groupOfServer } from '../server-groups/server-group-service.ts';
import { FAULT_STATUSES, PROGRESS_STATUSES, serverStatus } from './server-status.ts';
import {
  addressesView, apiTime, faultView, flavorView, hostIdOf, hostStatusOf, imageView, instanceNameOf,
  resourceLinks, schedulerHintsView, volumesAttachedView,
} from './server-view-parts.ts';

/**
 * Which response a server view is for (nova/api/openstack/compute/views/servers.py):
 * - `show`: GET /servers/{id};
 * - `detail`: one item of GET /servers/detail (no `server_groups`);
 * - `update`: PUT /servers/{id}. Before 2.75 this is the basic view only
 *   (no OS-EXT-* attributes, addresses without MAC/type); from 2.75 it
 *   carries every GET field;
 * - `rebuild`: the rebuild action, as `update` but never with
 *   `OS-EXT-SRV-ATTR:user_data` (Nova's rebuild adds a plain `user_data`
 *   from 2.57 instead; checked on the real Zed cloud).
 */
export type ServerViewKind = 'show' | 'detail' | 'update' | 'rebuild';

/** The `server` object of GET /servers/{id} at the request's microversion and the caller's role. */
export function serverDetailView(ctx: EngineContext, request: FastifyRequest, server: Server): Record<string, unknown> {
  return serverView(ctx, request, server, 'show');
}

/** The `server` object of PUT /servers/{id}. */
export function serverUpdateView(ctx: EngineContext, request: FastifyRequest, server: Server): Record<string, unknown> {
  return serverView(ctx, request, server, 'update');
}

/** The `server` object of the rebuild action, before its own additions (`adminPass`, `user_data`...). */
export function serverRebuildView(ctx: EngineContext, request: FastifyRequest, server: Server): Record<string, unknown> {
  return serverView(ctx, request, server, 'rebuild');
}

/** One item of GET /servers: `{id, links, name}`. */
export function serverSummaryView(request: FastifyRequest, server: Server): Record<string, unknown> {
  return { id: server.id, links: resourceLinks(request, 'servers', server.id), name: server.name };
}

/** The AZ a server is in: its host's zone, else the zone it asked for (nova.availability_zones.get_instance_availability_zone). */
export function serverZone(ctx: EngineContext, server: Server): string {
  if (server.host) return hostAvailabilityZone(ctx, server.host);
  return server.availabilityZone ?? server.requestedAz ?? '';
}

export function serverView(ctx: EngineContext, request: FastifyRequest, server: Server, kind: ServerViewKind): Record<string, unknown> {
  const v = request.microversion;
  const isAdmin = authOf(request).isAdmin;
  const full = (kind !== 'update' && kind !== 'rebuild') || atLeast(v, 2, 75);
  const status = serverStatus(server);

  const view: Record<string, unknown> = {
    id: server.id,
    name: server.name,
    status,
    tenant_id: server.projectId,
    user_id: server.userId,
    // A deleted server's metadata rows are deleted with it: its tombstone shows {} (as the real Zed cloud does).
    metadata: server.deletedAt ? {} : { ...server.metadata },
    hostId: hostIdOf(server),
    image: imageView(ctx, request, server),
    flavor: flavorView(request, server),
    created: apiTime(server.createdAt),
    updated: apiTime(server.updatedAt),
    addresses: addressesView(server, full),
    accessIPv4: server.accessIPv4,
    accessIPv6: server.accessIPv6,
    links: resourceLinks(request, 'servers', server.id),
    'OS-DCF:diskConfig': server.diskConfig,
  };
  // The engine has no partial progress to report; Nova shows 0 for a settled server too.
  if (PROGRESS_STATUSES.has(status)) view.progress = 0;
  // Only show loads the fault: GET /servers/detail does not join it (views/servers.py _show_expected_attrs has no 'fault').
  if (FAULT_STATUSES.has(status) && server.fault && kind !== 'detail') view.fault = faultView(server.fault, isAdmin);
  if (atLeast(v, 2, 9)) view.locked = server.locked;
  if (atLeast(v, 2, 19)) view.description = server.description;
  if (atLeast(v, 2, 26)) view.tags = [...server.tags];
  if (atLeast(v, 2, 63)) view.trusted_image_certificates = null;
  if (atLeast(v, 2, 71) && kind !== 'detail') {
    const group = groupOfServer(ctx, server.id);
    view.server_groups = group ? [group.id] : [];
  }
  if (atLeast(v, 2, 73)) view.locked_reason = server.lockedReason;
  if (atLeast(v, 2, 96)) view.pinned_availability_zone = server.requestedAz;
  if (atLeast(v, 2, 100)) view.scheduler_hints = schedulerHintsView(server.schedulerHints);
  if (full) Object.assign(view, extendedAttributes(ctx, request, server, isAdmin, kind !== 'rebuild'));
  return view;
}

/** What the former API extensions add to show and detail (and, from 2.75, to PUT and rebuild). */
function extendedAttributes(ctx: EngineContext, request: FastifyRequest, server: Server, isAdmin: boolean, withUserData: boolean): Record<string, unknown> {
  const v = request.microversion;
  const out: Record<string, unknown> = {
    key_name: server.keyName,
    config_drive: server.configDrive,
    'OS-EXT-AZ:availability_zone': serverZone(ctx, server),
    'OS-EXT-STS:task_state': server.taskState,
    'OS-EXT-STS:vm_state': server.deletedAt ? 'deleted' : server.vmState,
    'OS-EXT-STS:power_state': server.powerState,
    'OS-SRV-USG:launched_at': server.launchedAt ? naiveMicros(new Date(server.launchedAt)) : null,
    'OS-SRV-USG:terminated_at': server.terminatedAt ? naiveMicros(new Date(server.terminatedAt)) : null,
    'os-extended-volumes:volumes_attached': volumesAttachedView(ctx, request, server),
  };
  // Security groups come from the server's ports, so a server without a NIC has none.
  if (Object.keys(server.addresses).length > 0) out.security_groups = server.securityGroups.map((name) => ({ name }));
  if (isAdmin) {
    out['OS-EXT-SRV-ATTR:host'] = server.host;
    out['OS-EXT-SRV-ATTR:hypervisor_hostname'] = server.host;
    out['OS-EXT-SRV-ATTR:instance_name'] = instanceNameOf(server);
    if (atLeast(v, 2, 3)) {
      Object.assign(out, {
        'OS-EXT-SRV-ATTR:hostname': server.hostname,
        'OS-EXT-SRV-ATTR:kernel_id': '',
        'OS-EXT-SRV-ATTR:launch_index': server.launchIndex,
        'OS-EXT-SRV-ATTR:ramdisk_id': '',
        'OS-EXT-SRV-ATTR:reservation_id': server.reservationId,
        'OS-EXT-SRV-ATTR:root_device_name': server.rootDeviceName,
      });
      if (withUserData) out['OS-EXT-SRV-ATTR:user_data'] = server.userData;
    }
    if (atLeast(v, 2, 16)) out.host_status = hostStatusOf(ctx, server);
  }
  if (atLeast(v, 2, 90)) out['OS-EXT-SRV-ATTR:hostname'] = server.hostname;
  return out;
}
