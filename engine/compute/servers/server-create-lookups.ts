import type { EngineContext } from '../../engine-context.ts';
import { badRequest } from '../../http/api-error.ts';
import type { AuthContext } from '../../http/request-context.ts';
import type { Image } from '../../image/image-model.ts';
import { hostAvailabilityZone, INTERNAL_ZONE } from '../availability-zones.ts';
import type { Flavor, FlavorSnapshot, Keypair } from '../compute-model.ts';

/** An image as Glance would show it to the caller: public/community, or owned by the project; admins see all. */
export function findImageForProject(ctx: EngineContext, auth: AuthContext, id: string): Image | undefined {
  const image = ctx.store.images.get(id);
  if (!image) return undefined;
  const visible = image.visibility === 'public' || image.visibility === 'community' || auth.isAdmin || image.owner === auth.projectId;
  return visible ? image : undefined;
}

/** The last path segment of an href, or the value itself (nova.api.openstack.common.get_id_from_href). */
export function idFromHref(ref: string | number): string {
  const text = String(ref);
  const path = text.includes('://') ? new URL(text).pathname : text.split('?')[0]!;
  return path.split('/').pop() ?? '';
}

/**
 * The flavor a create or resize names: "Flavor X could not be found." for an
 * unknown, disabled, or private flavor the project has no access to.
 */
export function resolveFlavor(ctx: EngineContext, auth: AuthContext, ref: string | number): Flavor {
  const id = idFromHref(ref);
  const flavor = ctx.store.flavors.get(id);
  const accessible = flavor && !flavor.disabled && (flavor.isPublic || auth.isAdmin || flavor.access.includes(auth.projectId));
  if (!accessible) throw badRequest(`Flavor ${id} could not be found.`);
  return flavor;
}

/** The copy of a flavor a server keeps (Nova embeds it in the instance). */
export function flavorSnapshot(flavor: Flavor): FlavorSnapshot {
  const { id, name, ram, vcpus, disk, ephemeral, swap } = flavor;
  return { id, name, ram, vcpus, disk, ephemeral, swap, extraSpecs: { ...flavor.extraSpecs } };
}

/** The caller's keypair `name` (keypairs belong to users), else Nova's 400. */
export function resolveKeypair(ctx: EngineContext, auth: AuthContext, name: string): Keypair {
  const keypair = ctx.store.keypairs.get(`${auth.userId}/${name}`);
  if (!keypair) throw badRequest('Invalid key_name provided.');
  return keypair;
}

export interface ParsedZone {
  zone: string | null;
  host?: string;
  node?: string;
}

/**
 * Nova's `parse_availability_zone`: `az`, `az:host`, `az::node`,
 * `az:host:node`; more colons is a 400.
 */
export function parseAvailabilityZone(value: string | undefined): ParsedZone {
  if (!value) return { zone: null };
  const colons = value.split(':').length - 1;
  if (colons === 0) return { zone: value };
  if (colons > 2) throw badRequest('Invalid input received: Unable to parse availability_zone');
  const [zone, host, node] = value.split(':');
  const out: ParsedZone = { zone: zone || null };
  if (host) out.host = host;
  if (node) out.node = node;
  return out;
}

/** Zones with at least one enabled compute service, the internal zone excluded (get_availability_zones(get_only_available=True)). */
export function availableZones(ctx: EngineContext): Set<string> {
  const zones = new Set<string>();
  for (const host of ctx.store.hosts.all()) if (host.enabled) zones.add(hostAvailabilityZone(ctx, host.id));
  zones.delete(INTERNAL_ZONE);
  return zones;
}

/**
 * Nova's image/flavor fit checks (`_validate_flavor_image_nostatus`):
 * memory always; for a local root disk the image size and min_disk against
 * the flavor's disk, skipped for a zero-disk flavor. (A volume root is
 * checked against min_disk when its mapping is planned.)
 */
export function assertFlavorFitsImage(flavor: FlavorSnapshot, image: Image, volumeBacked: boolean): void {
  if (image.minRam > flavor.ram) throw badRequest("Flavor's memory is too small for requested image.");
  if (volumeBacked || flavor.disk === 0) return;
  const gib = 1024 ** 3;
  const flavorBytes = flavor.disk * gib;
  if (image.size > flavorBytes) {
    throw badRequest(`Flavor's disk is too small for requested image. Flavor disk is ${flavorBytes} bytes, image is ${image.size} bytes.`);
  }
  if (image.minDisk * gib > flavorBytes) {
    throw badRequest(`Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${flavorBytes} bytes, minimum size is ${image.minDisk * gib} bytes.`);
  }
}
