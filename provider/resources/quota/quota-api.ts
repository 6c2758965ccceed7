import type { Clients } from '../../openstack/openstack-client.ts';
import { EndpointNotFoundError, isNotFound } from '../../openstack/errors.ts';
import type { QuotaService } from './quota-keys.ts';
import { serviceQuotas, type QuotaObserved, type ServiceQuotas } from './quota-observed.ts';

/**
 * The calls a Quota is made of: Keystone's projects, and Nova's and
 * Cinder's `os-quota-sets` (updates and deletes are admin-only in both).
 */

const quotaPath = (projectId: string) => `/os-quota-sets/${encodeURIComponent(projectId)}`;

function toProject(body: Record<string, any>): QuotaObserved {
  return { id: String(body.id), name: String(body.name), ...(body.domain_id ? { domainId: String(body.domain_id) } : {}) };
}

/** Every project the caller may list (Keystone's `GET /v3/projects`: admin only), without quotas. */
export async function listProjects(api: Clients): Promise<QuotaObserved[]> {
  const { body } = await api.identity.get('/projects');
  return ((body?.projects ?? []) as Record<string, any>[]).map(toProject);
}

async function computeQuotas(api: Clients, projectId: string): Promise<ServiceQuotas> {
  const [detail, defaults] = await Promise.all([
    api.compute.get(`${quotaPath(projectId)}/detail`),
    api.compute.get(`${quotaPath(projectId)}/defaults`),
  ]);
  return serviceQuotas(detail.body.quota_set, defaults.body.quota_set);
}

async function volumeQuotas(api: Clients, projectId: string): Promise<ServiceQuotas> {
  const [usage, defaults] = await Promise.all([
    api.volume.get(quotaPath(projectId), { query: { usage: 'True' } }),
    api.volume.get(`${quotaPath(projectId)}/defaults`),
  ]);
  return serviceQuotas(usage.body.quota_set, defaults.body.quota_set);
}

/** `project` with its compute and block-storage quotas, usage and defaults (a cloud without Cinder: only compute). */
export async function withQuotas(api: Clients, project: QuotaObserved): Promise<QuotaObserved> {
  const [compute, blockStorage] = await Promise.all([
    computeQuotas(api, project.id),
    volumeQuotas(api, project.id).catch((error: unknown) => {
      if (error instanceof EndpointNotFoundError) return error.message;
      throw error;
    }),
  ]);
  return typeof blockStorage === 'string' ? { ...project, compute, blockStorageMissing: blockStorage } : { ...project, compute, blockStorage };
}

/** The project with this id and its quotas, or undefined (404). */
export async function readQuota(api: Clients, projectId: string): Promise<QuotaObserved | undefined> {
  try {
    const { body } = await api.identity.get(`/projects/${encodeURIComponent(projectId)}`);
    return await withQuotas(api, toProject(body.project));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

const CLIENT = { compute: (api: Clients) => api.compute, volume: (api: Clients) => api.volume } as const;

/** Sets limits of one service (`PUT os-quota-sets/{project}`): it states the end result, so it is safe to send again. */
export async function setLimits(api: Clients, service: QuotaService, projectId: string, limits: Readonly<Record<string, number>>): Promise<void> {
  await CLIENT[service](api).put(quotaPath(projectId), { quota_set: limits }, { idempotent: true });
}

/** Reverts one service's limits of the project to the defaults (`DELETE os-quota-sets/{project}`). */
export async function revertLimits(api: Clients, service: QuotaService, projectId: string): Promise<void> {
  try {
    await CLIENT[service](api).delete(quotaPath(projectId), { idempotent: true });
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
}
