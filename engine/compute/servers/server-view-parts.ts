import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { atLeast } from '../../http/microversion.ts';
import { computeBookmarkUrl, computeUrl } from '../../http/request-context.ts';
import { isoSeconds } from '../../util/time.ts';
import type { Server, ServerFault } from '../compute-model.ts';
import { serverVolumes } from './actions/attachment-index.ts';

/** `[self, bookmark]` links of a compute resource, with the project segment if the request URL had one. */
export function resourceLinks(request: FastifyRequest, collection: string, id: string): Array<{ rel: string; href: string }> {
  return [
    { rel: 'self', href: `${computeUrl(request)}/${collection}/${id}` },
    { rel: 'bookmark', href: `${computeBookmarkUrl(request)}/${collection}/${id}` },
  ];
}

/** `hostId`: sha224(project_id + host) in hex, '' without a host (nova.utils.generate_hostid). */
export function hostIdOf(server: Server): string {
  if (!server.host) return '';
  return createHash('sha224').update(`${server.projectId}${server.host}`).digest('hex');
}

/** Timestamps as Nova renders created/updated and fault.created: seconds and a Z. */
export function apiTime(value: string): string {
  return isoSeconds(new Date(value));
}

/**
 * `image`: '' for a server booted from a volume, else `{id, links}` with a
 * bookmark link; from 2.98 also the image's properties (as Nova copies them
 * into the instance; the engine reads them from the image, `{}` once it is gone).
 */
export function imageView(ctx: EngineContext, request: FastifyRequest, server: Server): unknown {
  if (server.imageId === '') return '';
  const view: Record<string, unknown> = {
    id: server.imageId,
    links: [{ rel: 'bookmark', href: `${computeBookmarkUrl(request)}/images/${server.imageId}` }],
  };
  if (atLeast(request.microversion, 2, 98)) view.properties = { ...ctx.store.images.get(server.imageId)?.properties };
  return view;
}

/** `flavor`: `{id, links}` before 2.47, the embedded flavor after (extra specs included: the caller holds the reader role). */
export function flavorView(request: FastifyRequest, server: Server): Record<string, unknown> {
  const f = server.flavor;
  if (!atLeast(request.microversion, 2, 47)) {
    return { id: f.id, links: [{ rel: 'bookmark', href: `${computeBookmarkUrl(request)}/flavors/${f.id}` }] };
  }
  return { vcpus: f.vcpus, ram: f.ram, disk: f.disk, ephemeral: f.ephemeral, swap: f.swap, original_name: f.name, extra_specs: { ...f.extraSpecs } };
}

/** `addresses`; without `extended` only `{version, addr}` (Nova's PUT/rebuild view before 2.75). */
export function addressesView(server: Server, extended: boolean): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [network, entries] of Object.entries(server.addresses)) {
    out[network] = entries.map((e) => {
      if (!extended) return { version: e.version, addr: e.addr };
      const item: Record<string, unknown> = { version: e.version, addr: e.addr };
      if (e['OS-EXT-IPS:type'] !== undefined) item['OS-EXT-IPS:type'] = e['OS-EXT-IPS:type'];
      if (e['OS-EXT-IPS-MAC:mac_addr'] !== undefined) item['OS-EXT-IPS-MAC:mac_addr'] = e['OS-EXT-IPS-MAC:mac_addr'];
      return item;
    });
  }
  return out;
}

/** `fault`: `details` only for admins or when the code is not 500 (views/servers.py `_get_fault`). */
export function faultView(fault: ServerFault, isAdmin: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = { code: fault.code, created: apiTime(fault.created), message: fault.message };
  if (fault.details && (isAdmin || fault.code !== 500)) view.details = fault.details;
  return view;
}

/** `OS-EXT-SRV-ATTR:instance_name`: Nova's `instance-%08x`; the engine uses the first 8 hex digits of the uuid. */
export function instanceNameOf(server: Server): string {
  return `instance-${server.id.replace(/-/g, '').slice(0, 8)}`;
}

/**
 * `host_status` (2.16, admin): UP, DOWN when forced down, MAINTENANCE when
 * disabled, UNKNOWN when it stopped reporting, '' without a host
 * (nova.compute.api.API.get_instance_host_status).
 */
export function hostStatusOf(ctx: EngineContext, server: Server): string {
  if (!server.host) return '';
  const host = ctx.store.hosts.get(server.host);
  if (!host) return '';
  if (host.forcedDown) return 'DOWN';
  if (!host.enabled) return 'MAINTENANCE';
  return host.down ? 'UNKNOWN' : 'UP';
}

/**
 * Volumes attached to the server (attaches in progress included, as Nova's
 * block device mappings exist at once), oldest first: `[{id}]`, plus
 * `delete_on_termination` from 2.3.
 */
export function volumesAttachedView(ctx: EngineContext, request: FastifyRequest, server: Server): Array<Record<string, unknown>> {
  return serverVolumes(ctx, server).map(({ volume }) => atLeast(request.microversion, 2, 3)
    ? { id: volume.id, delete_on_termination: server.deleteOnTermination.includes(volume.id) }
    : { id: volume.id });
}

/** Scheduler hints as Nova's RequestSpec keeps them: every value a list. */
export function schedulerHintsView(hints: Record<string, unknown>): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(hints).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
}
