import type { EngineContext } from '../../engine-context.ts';
import { forbidden } from '../../http/api-error.ts';

/** Nova's default quotas (nova/conf/quota.py). */
export const NOVA_QUOTA_DEFAULTS: Readonly<Record<string, number>> = {
  instances: 10,
  cores: 20,
  ram: 51200,
  metadata_items: 128,
  key_pairs: 100,
  server_groups: 10,
  server_group_members: 10,
  injected_files: 5,
  injected_file_content_bytes: 10240,
  injected_file_path_bytes: 255,
  fixed_ips: -1,
  floating_ips: -1,
  security_groups: -1,
  security_group_rules: -1,
};

/** Cinder's default quotas (cinder/quota.py). */
export const CINDER_QUOTA_DEFAULTS: Readonly<Record<string, number>> = {
  volumes: 10,
  gigabytes: 1000,
  snapshots: 10,
  backups: 10,
  backup_gigabytes: 1000,
  groups: 10,
  per_volume_gigabytes: -1,
};

export type QuotaService = 'compute' | 'volume';

/** The defaults with the engine config's overrides applied. */
export function quotaDefaults(ctx: EngineContext, service: QuotaService): Record<string, number> {
  const base = service === 'compute' ? NOVA_QUOTA_DEFAULTS : CINDER_QUOTA_DEFAULTS;
  return { ...base, ...ctx.config.quotaDefaults[service] };
}

/** A project's effective limits: defaults overlaid with its stored overrides. */
export function projectLimits(ctx: EngineContext, service: QuotaService, projectId: string): Record<string, number> {
  const override = ctx.store.quotas.get(projectId);
  return { ...quotaDefaults(ctx, service), ...(override?.[service] ?? {}) };
}

/**
 * What a project uses right now, derived from the store (never counted
 * separately, so it cannot drift). Servers count while they exist and are not
 * deleted; a server in VERIFY_RESIZE counts at the larger of its two flavors,
 * as Nova's placement-based counting does for the destination allocation.
 */
export function projectUsage(ctx: EngineContext, service: QuotaService, projectId: string): Record<string, number> {
  if (service === 'compute') {
    let instances = 0, cores = 0, ram = 0;
    for (const server of ctx.store.servers.all()) {
      if (server.projectId !== projectId || server.deletedAt) continue;
      instances += 1;
      const flavor = server.resize
        ? (server.resize.newFlavor.vcpus >= server.resize.oldFlavor.vcpus ? server.resize.newFlavor : server.resize.oldFlavor)
        : server.flavor;
      cores += flavor.vcpus;
      ram += server.resize ? Math.max(server.resize.newFlavor.ram, server.resize.oldFlavor.ram) : flavor.ram;
    }
    const keyPairs = ctx.store.keypairs.filter((k) => {
      const user = ctx.store.users.get(k.userId);
      return user?.defaultProjectId === projectId;
    }).length;
    // server_group_members is counted per group and user when a server joins; as in Nova, the project view shows 0.
    const serverGroups = ctx.store.serverGroups.filter((g) => g.projectId === projectId).length;
    return { instances, cores, ram, key_pairs: keyPairs, server_groups: serverGroups, server_group_members: 0, metadata_items: 0 };
  }
  let volumes = 0, gigabytes = 0;
  for (const volume of ctx.store.volumes.all()) {
    if (volume.projectId !== projectId) continue;
    volumes += 1;
    gigabytes += volume.size;
  }
  return { volumes, gigabytes, snapshots: 0, backups: 0, backup_gigabytes: 0, groups: 0, per_volume_gigabytes: 0 };
}

/**
 * The resources of `requested` that would go over the project's limits,
 * sorted by name; empty when everything fits. -1 means unlimited.
 */
export function overQuota(ctx: EngineContext, service: QuotaService, projectId: string, requested: Record<string, number>) {
  const limits = projectLimits(ctx, service, projectId);
  const usage = projectUsage(ctx, service, projectId);
  const overs = Object.keys(requested).sort().filter((resource) => {
    const limit = limits[resource] ?? -1;
    return limit >= 0 && (requested[resource] ?? 0) > 0 && (usage[resource] ?? 0) + (requested[resource] ?? 0) > limit;
  });
  return { overs, limits, usage };
}

/**
 * Throws Nova's 403 when creating or resizing servers would exceed the
 * instances/cores/ram quota, with its exact message (nova/exception.py
 * `TooManyInstances`): "Quota exceeded for cores, ram: Requested 4, 8192,
 * but already used 18, 49152 of 20, 51200 cores, ram".
 */
export function assertComputeQuota(ctx: EngineContext, projectId: string, requested: { instances?: number; cores: number; ram: number }): void {
  const { overs, limits, usage } = overQuota(ctx, 'compute', projectId, requested);
  if (overs.length === 0) return;
  const list = (values: Record<string, number>) => overs.map((o) => values[o] ?? 0).join(', ');
  const joined = overs.join(', ');
  throw forbidden(`Quota exceeded for ${joined}: Requested ${list(requested)}, but already used ${list(usage)} of ${list(limits)} ${joined}`);
}
