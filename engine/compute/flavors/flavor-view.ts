import type { FastifyRequest } from 'fastify';
import { atLeast } from '../../http/microversion.ts';
import { computeBookmarkUrl, computeUrl } from '../../http/request-context.ts';
import type { Flavor } from '../compute-model.ts';

/**
 * Flavor bodies as nova/api/openstack/compute/views/flavors.py renders them,
 * per microversion:
 * - 2.55 adds `description` (list and detail);
 * - 2.61 adds `extra_specs` when the caller may read them;
 * - 2.75 renders a zero `swap` as 0 instead of "".
 */

export type Link = { rel: string; href: string };

/** `self` (versioned) and `bookmark` links of one flavor. */
export function flavorLinks(request: FastifyRequest, flavorId: string): Link[] {
  const id = encodeURIComponent(flavorId);
  return [
    { rel: 'self', href: `${computeUrl(request)}/flavors/${id}` },
    { rel: 'bookmark', href: `${computeBookmarkUrl(request)}/flavors/${id}` },
  ];
}

/** `GET /flavors` item: id, name, links (+ description from 2.55). */
export function basicFlavorView(request: FastifyRequest, flavor: Flavor): Record<string, unknown> {
  const view: Record<string, unknown> = { id: flavor.id, name: flavor.name, links: flavorLinks(request, flavor.id) };
  if (atLeast(request.microversion, 2, 55)) view.description = flavor.description;
  return view;
}

/**
 * The full flavor (show, detail, create, update). `includeExtraSpecs` is the
 * caller's extra-specs read permission; it only matters from 2.61.
 */
export function flavorView(request: FastifyRequest, flavor: Flavor, includeExtraSpecs: boolean): Record<string, unknown> {
  const mv = request.microversion;
  const view: Record<string, unknown> = {
    id: flavor.id,
    name: flavor.name,
    ram: flavor.ram,
    disk: flavor.disk,
    swap: flavor.swap || (atLeast(mv, 2, 75) ? 0 : ''),
    'OS-FLV-EXT-DATA:ephemeral': flavor.ephemeral,
    'OS-FLV-DISABLED:disabled': flavor.disabled,
    vcpus: flavor.vcpus,
    'os-flavor-access:is_public': flavor.isPublic,
    rxtx_factor: flavor.rxtxFactor,
    links: flavorLinks(request, flavor.id),
  };
  if (atLeast(mv, 2, 55)) view.description = flavor.description;
  if (atLeast(mv, 2, 61) && includeExtraSpecs) view.extra_specs = { ...flavor.extraSpecs };
  return view;
}
