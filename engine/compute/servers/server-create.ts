import { randomInt } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { authOf, type AuthContext } from '../../http/request-context.ts';
import type { Image } from '../../image/image-model.ts';
import { newUuid } from '../../util/ids.ts';
import { naiveMicros } from '../../util/time.ts';
import type { Volume } from '../../volume/volume-model.ts';
import type { Server } from '../compute-model.ts';
import { assertComputeQuota, overQuota, projectLimits, projectUsage } from '../quotas/quota-service.ts';
import { addMembers, assertGroupMemberQuota, groupOfHint } from '../server-groups/server-group-service.ts';
import { defaultDeviceName, type PlannedDevice } from './server-block-devices.ts';
import { startBuild, type BuildArgs } from './server-build.ts';
import { planServerCreate, sanitizeHostname, type CreatePlan } from './server-create-request.ts';
import { resourceLinks } from './server-view-parts.ts';

export interface CreateResult {
  body: Record<string, unknown>;
  /** The first server's self link, for `Location` (absent with return_reservation_id). */
  location?: string;
}

/** `r-` and 8 characters of [0-9a-z] (nova.utils.generate_uid). */
export function newReservationId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  return `r-${Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join('')}`;
}

/**
 * How many servers to create (nova.compute.utils.check_num_instances_quota):
 * max_count if it fits, else as many as fit if that is at least min_count,
 * else Nova's 403 for max_count.
 */
export function instancesThatFit(ctx: EngineContext, projectId: string, plan: CreatePlan): number {
  const limits = projectLimits(ctx, 'compute', projectId);
  const usage = projectUsage(ctx, 'compute', projectId);
  const headroom = (resource: string, per: number) => {
    const limit = limits[resource] ?? -1;
    if (limit < 0 || per === 0) return Number.POSITIVE_INFINITY;
    return Math.floor((limit - (usage[resource] ?? 0)) / per);
  };
  const allowed = Math.min(headroom('instances', 1), headroom('cores', plan.flavor.vcpus), headroom('ram', plan.flavor.ram));
  if (allowed >= plan.maxCount) return plan.maxCount;
  if (allowed >= plan.minCount) return allowed;
  assertComputeQuota(ctx, projectId, { instances: plan.maxCount, cores: plan.maxCount * plan.flavor.vcpus, ram: plan.maxCount * plan.flavor.ram });
  return plan.maxCount; // not reached: the assertion throws when min_count does not fit
}

/** Cinder's refusal of the volumes the build would create, as Nova's build would report it; undefined when they fit. */
function volumeQuotaProblem(ctx: EngineContext, projectId: string, devices: PlannedDevice[], count: number): string | undefined {
  const fresh = devices.filter((d): d is Extract<PlannedDevice, { kind: 'new' }> => d.kind === 'new');
  if (fresh.length === 0) return undefined;
  const requested = { volumes: fresh.length * count, gigabytes: fresh.reduce((sum, d) => sum + d.sizeGb, 0) * count };
  const { overs, limits, usage } = overQuota(ctx, 'volume', projectId, requested);
  if (overs.includes('volumes')) return `VolumeLimitExceeded: Maximum number of volumes allowed (${limits.volumes}) exceeded for quota 'volumes'.`;
  if (overs.includes('gigabytes')) {
    return `VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested ${requested.gigabytes}G, quota is ${limits.gigabytes}G and ${usage.gigabytes}G has been consumed.`;
  }
  return undefined;
}

function newServer(ctx: EngineContext, auth: AuthContext, plan: CreatePlan, index: number, count: number, reservationId: string): Server {
  const id = newUuid();
  const now = new Date().toISOString();
  // Several servers from one request are named `<name>-<n>` (multi_instance_display_name_template).
  const name = count > 1 ? `${plan.name}-${index + 1}` : plan.name;
  return {
    id, name, projectId: auth.projectId, userId: auth.userId,
    description: plan.description,
    flavor: plan.flavor, imageId: plan.imageId,
    keyName: plan.keypair?.name ?? null, keyData: plan.keypair?.publicKey ?? null, userData: plan.userData,
    metadata: { ...plan.metadata }, tags: [...plan.tags],
    requestedAz: plan.zone, availabilityZone: plan.zone, host: null,
    vmState: 'building', taskState: 'scheduling', powerState: 0,
    locked: false, lockedReason: null, fault: null,
    networks: plan.networks, addresses: {},
    accessIPv4: plan.accessIPv4, accessIPv6: plan.accessIPv6,
    configDrive: plan.configDrive, diskConfig: plan.diskConfig,
    reservationId, launchIndex: index,
    hostname: plan.hostname && count === 1 ? plan.hostname : sanitizeHostname(name, `Server-${id}`),
    securityGroups: [...plan.securityGroups], schedulerHints: { ...plan.schedulerHints },
    deleteOnTermination: [], rootDeviceName: '/dev/sda',
    createdAt: now, updatedAt: now, launchedAt: null, terminatedAt: null, deletedAt: null,
    pending: null, resize: null,
  };
}

/** What Cinder copies from an image into `volume_image_metadata`. */
function volumeImageMetadata(image: Image): Record<string, string> {
  return {
    ...image.properties,
    image_id: image.id, image_name: image.name, checksum: image.checksum, container_format: image.containerFormat,
    disk_format: image.diskFormat, min_disk: String(image.minDisk), min_ram: String(image.minRam), size: String(image.size),
  };
}

/** Attaches (or creates and attaches) the planned volumes to `server`; synchronous store writes, promises returned. */
function attachVolumes(ctx: EngineContext, auth: AuthContext, server: Server, devices: PlannedDevice[], volumeBacked: boolean): Array<Promise<void>> {
  // A local root disk is /dev/sda itself, so volumes then start at /dev/sdb.
  const firstIndex = volumeBacked ? 0 : 1;
  // Cinder's timestamps: naive UTC with microseconds.
  const now = naiveMicros();
  return devices.map((device, i) => {
    const attachment = { id: newUuid(), serverId: server.id, device: device.deviceName ?? defaultDeviceName(firstIndex + i), hostName: null, attachedAt: now };
    let volume: Volume;
    if (device.kind === 'existing') {
      volume = device.volume;
      volume.attachments.push(attachment);
      volume.status = 'in-use';
      volume.updatedAt = now;
    } else {
      volume = {
        id: newUuid(), name: '', description: '', size: device.sizeGb, status: 'in-use',
        projectId: auth.projectId, userId: auth.userId, volumeType: device.volumeType,
        availabilityZone: ctx.config.defaultAvailabilityZone, bootable: device.sourceImage !== null,
        sourceImageId: device.sourceImage?.id ?? null, metadata: {}, attachments: [attachment],
        createdAt: now, updatedAt: null, pending: null,
        ...(device.sourceImage ? { imageMetadata: volumeImageMetadata(device.sourceImage) } : {}),
      };
    }
    if (device.bootIndex === 0) server.rootDeviceName = attachment.device;
    if (device.deleteOnTermination) server.deleteOnTermination.push(volume.id);
    return ctx.store.volumes.put(volume);
  });
}

/**
 * POST /servers: validates, checks quota, then records every server (and
 * its volumes, and its server group membership from the `group` scheduler
 * hint) in the store without an await in between, so concurrent creates
 * cannot both pass the quota check; each build then runs on its own.
 */
export async function createServers(ctx: EngineContext, request: FastifyRequest): Promise<CreateResult> {
  const auth = authOf(request);
  const plan = planServerCreate(ctx, request);
  // As compute/api.py: the group hint is resolved before the instance quota, the members' quota after it.
  const group = groupOfHint(ctx, plan.schedulerHints.group, auth);
  const count = instancesThatFit(ctx, auth.projectId, plan);
  if (group) assertGroupMemberQuota(ctx, auth.projectId, auth.userId, group, count);
  const abortReason = volumeQuotaProblem(ctx, auth.projectId, plan.blockDevices.devices, count);
  const reservationId = newReservationId();
  const servers = Array.from({ length: count }, (_, i) => newServer(ctx, auth, plan, i, count, reservationId));
  const writes: Array<Promise<void>> = [];
  // Members from the start (BUILD included), so each build's scheduling sees the others.
  if (group) writes.push(addMembers(ctx, group, servers.map((s) => s.id)));
  for (const server of servers) {
    if (!abortReason) writes.push(...attachVolumes(ctx, auth, server, plan.blockDevices.devices, plan.blockDevices.volumeBacked));
    const args: BuildArgs = {
      ...(plan.blockDevices.rootImage ? { imageId: plan.blockDevices.rootImage.id } : {}),
      volumeBacked: plan.blockDevices.volumeBacked,
      ...(plan.forcedHost ? { forcedHost: plan.forcedHost } : {}),
      ...(plan.requestedHost ? { requestedHost: plan.requestedHost } : {}),
      ...(abortReason ? { abortReason } : {}),
    };
    writes.push(startBuild(ctx, server, args));
  }
  await Promise.all(writes);

  if (plan.returnReservationId) return { body: { reservation_id: reservationId } };
  const first = servers[0]!;
  const links = resourceLinks(request, 'servers', first.id);
  return {
    body: {
      server: {
        id: first.id,
        links,
        'OS-DCF:diskConfig': first.diskConfig,
        security_groups: plan.securityGroups.map((name) => ({ name })),
        adminPass: plan.adminPass,
      },
    },
    location: links[0]!.href,
  };
}
