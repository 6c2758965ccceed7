import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { badRequest, forbidden, policyForbidden } from '../../http/api-error.ts';
import { atLeast } from '../../http/microversion.ts';
import { authOf, type AuthContext } from '../../http/request-context.ts';
import { validateBody } from '../../http/validate.ts';
import type { Image } from '../../image/image-model.ts';
import type { FlavorSnapshot, Keypair, Server } from '../compute-model.ts';
import { projectLimits } from '../quotas/quota-service.ts';
import { generateAdminPassword } from './admin-password.ts';
import { planBlockDevices, type BlockDevicePlan } from './server-block-devices.ts';
import { checkCreateFormats, toBool, toCount } from './server-create-checks.ts';
import {
  assertFlavorFitsImage, availableZones, findImageForProject, flavorSnapshot, parseAvailabilityZone, resolveFlavor, resolveKeypair,
} from './server-create-lookups.ts';
import { requestedNics, type NicRequest } from './server-networks.ts';
import { createServerSchema } from './server-schemas.ts';

/** A create request that passed every check: what to build, before quotas. */
export interface CreatePlan {
  name: string;
  description: string | null;
  flavor: FlavorSnapshot;
  /** The image of imageRef ('' on the instance when it boots from a volume). */
  imageId: string;
  blockDevices: BlockDevicePlan;
  keypair: Keypair | null;
  zone: string | null;
  forcedHost?: string;
  requestedHost?: string;
  metadata: Record<string, string>;
  tags: string[];
  userData: string | null;
  networks: Server['networks'];
  nics: NicRequest[];
  securityGroups: string[];
  configDrive: string;
  diskConfig: 'AUTO' | 'MANUAL';
  accessIPv4: string;
  accessIPv6: string;
  adminPass: string;
  hostname: string | null;
  schedulerHints: Record<string, unknown>;
  minCount: number;
  maxCount: number;
  returnReservationId: boolean;
}

/** `az:host[:node]` forcing and 2.74 `host`/`hypervisor_hostname` (both admin-only; a node is its host in the engine). */
function placementOf(ctx: EngineContext, request: FastifyRequest, auth: AuthContext, s: Record<string, any>) {
  const parsed = parseAvailabilityZone(s.availability_zone);
  const forced = parsed.host ?? parsed.node;
  if (forced && !auth.isAdmin) throw policyForbidden('os_compute_api:servers:create:forced_host');
  let requestedHost: string | undefined;
  if (atLeast(request.microversion, 2, 74) && (s.host || s.hypervisor_hostname)) {
    if (!auth.isAdmin) throw policyForbidden('compute:servers:create:requested_destination');
    if (forced) throw badRequest('One mechanism with host and/or hypervisor_hostname and another mechanism with zone:host:node are mutually exclusive.');
    for (const name of [s.host, s.hypervisor_hostname].filter(Boolean) as string[]) {
      if (!ctx.store.hosts.has(name)) throw badRequest(`Compute host ${name} could not be found.`);
    }
    if (s.host && s.hypervisor_hostname && s.host !== s.hypervisor_hostname) throw badRequest(`Compute host ${s.hypervisor_hostname} could not be found.`);
    requestedHost = s.host ?? s.hypervisor_hostname;
  }
  return { zone: parsed.zone, ...(forced ? { forcedHost: forced } : {}), ...(requestedHost ? { requestedHost } : {}) };
}

function imageOf(ctx: EngineContext, auth: AuthContext, s: Record<string, any>): Image | undefined {
  const hasMappings = Boolean(s.block_device_mapping?.length || s.block_device_mapping_v2?.length);
  if (!s.imageRef) {
    if (hasMappings) return undefined;
    throw badRequest('Missing imageRef attribute');
  }
  const image = findImageForProject(ctx, auth, s.imageRef);
  if (!image) throw badRequest('Can not find requested image');
  if (image.status !== 'active') throw badRequest(`Image ${image.id} is not active.`);
  return image;
}

/** Nova's hostname from a display name (nova.utils.sanitize_hostname), `Server-<uuid>` when nothing is left. */
export function sanitizeHostname(name: string, fallback: string): string {
  const hostname = name.slice(0, 63).replace(/[ _.]/g, '-').replace(/[^\w.-]+/g, '').toLowerCase().replace(/^[.-]+|[.-]+$/g, '');
  return hostname === '' ? fallback.slice(0, 63) : hostname;
}

/**
 * Validates POST /servers in Nova's order (schema, az/host policy,
 * imageRef, networks, flavor, image fit, mappings, key, zone, metadata
 * quota) and resolves every reference. Throws Nova's 400/403 on the first problem.
 */
export function planServerCreate(ctx: EngineContext, request: FastifyRequest): CreatePlan {
  const v = request.microversion;
  const auth = authOf(request);
  const body = validateBody<Record<string, any>>(createServerSchema(v), request.body);
  checkCreateFormats(body, v);
  const s = body.server as Record<string, any>;

  const minCount = toCount(s.min_count, 1);
  const maxCount = toCount(s.max_count, minCount);
  if (minCount > maxCount) throw badRequest('min_count must be <= max_count');

  const placement = placementOf(ctx, request, auth, s);
  const image = imageOf(ctx, auth, s);
  // Before 2.37 a request without networks gets the default network, as "auto" does.
  const networks: Server['networks'] = s.networks === undefined ? 'auto'
    : typeof s.networks === 'string' ? (s.networks as 'auto' | 'none')
      : (s.networks as Array<Record<string, unknown>>).map((n) => Object.fromEntries(Object.entries(n).filter(([, value]) => value !== null)));
  const nics = requestedNics(ctx, networks, maxCount);

  const flavor = flavorSnapshot(resolveFlavor(ctx, auth, s.flavorRef));
  const blockDevices = planBlockDevices(ctx, auth, s, image, maxCount);
  if (!blockDevices.volumeBacked && flavor.disk === 0 && !auth.isAdmin) {
    throw forbidden('Only volume-backed servers are allowed for flavors with zero disk.');
  }
  if (blockDevices.rootImage) assertFlavorFitsImage(flavor, blockDevices.rootImage, blockDevices.volumeBacked);
  const keypair = s.key_name !== undefined ? resolveKeypair(ctx, auth, s.key_name) : null;
  if (placement.zone && !placement.forcedHost && !availableZones(ctx).has(placement.zone)) {
    throw badRequest('The requested availability zone is not available');
  }
  const metadata = (s.metadata ?? {}) as Record<string, string>;
  const metadataLimit = projectLimits(ctx, 'compute', auth.projectId).metadata_items ?? -1;
  if (metadataLimit >= 0 && Object.keys(metadata).length > metadataLimit) {
    throw forbidden(`Maximum number of metadata items exceeds ${metadataLimit}`);
  }

  const name = s.name as string;
  const groups = (s.security_groups as Array<{ name?: string }> | undefined)?.map((g) => g.name).filter((n): n is string => Boolean(n));
  return {
    name,
    // Before 2.19 Nova stores the name as the description too.
    description: atLeast(v, 2, 19) ? (s.description ?? null) : name,
    flavor,
    imageId: blockDevices.volumeBacked ? '' : (image?.id ?? ''),
    blockDevices,
    keypair,
    ...placement,
    metadata: { ...metadata },
    tags: [...new Set((s.tags ?? []) as string[])],
    userData: s.user_data ?? null,
    networks,
    nics,
    securityGroups: groups?.length ? [...new Set(groups)] : ['default'],
    configDrive: toBool(s.config_drive) ? 'True' : '',
    diskConfig: s['OS-DCF:diskConfig'] ?? 'MANUAL',
    accessIPv4: s.accessIPv4 ?? '',
    accessIPv6: s.accessIPv6 ?? '',
    adminPass: s.adminPass ?? generateAdminPassword(),
    hostname: s.hostname ?? null,
    schedulerHints: { ...(body['OS-SCH-HNT:scheduler_hints'] ?? {}), ...(body['os:scheduler_hints'] ?? {}) },
    minCount,
    maxCount,
    returnReservationId: toBool(s.return_reservation_id),
  };
}
