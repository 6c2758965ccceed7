import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { badRequest, policyForbidden } from '../../http/api-error.ts';
import { authOf, requireAdmin } from '../../http/request-context.ts';
import { validateBody } from '../../http/validate.ts';
import { boolFromString, quotaUpdateSchema, visibleQuotaKeys } from './quota-keys.ts';
import { clearQuotaOverrides, projectExists, setQuotaOverrides } from './quota-overrides.ts';
import { projectLimits, projectUsage, quotaDefaults } from './quota-service.ts';

/**
 * Nova's `os-quota-sets` (nova/api/openstack/compute/quota_sets.py), project
 * quotas only: the `user_id` query parameter is accepted and ignored, so
 * per-user quotas read and write the project's values.
 *
 * Policy as in Nova's defaults: show/detail for an admin or the project's
 * own members, defaults for anyone, update/delete for admins only. Every
 * route but DELETE answers 400 for a project Keystone does not know.
 */

type Params = { projectId: string };

const RULE = 'os_compute_api:os-quota-sets';

/** `{key: value}` for the keys visible at the request's microversion, in Nova's order. */
function pickVisible<T>(request: FastifyRequest, values: (key: string) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of visibleQuotaKeys(request.microversion)) out[key] = values(key);
  return out;
}

/** Members may only look at their own project's quotas. */
function authorizeRead(request: FastifyRequest, projectId: string, action: 'show' | 'detail'): void {
  const auth = authOf(request);
  if (!auth.isAdmin && auth.projectId !== projectId) throw policyForbidden(`${RULE}:${action}`);
}

function verifyProject(ctx: EngineContext, projectId: string): void {
  if (!projectExists(ctx, projectId)) throw badRequest(`Project ID ${projectId} is not a valid project.`);
}

/**
 * The integers a PUT sets, or a 400 naming the first one below what the
 * project already uses (skipped when `force` is true, as in Nova).
 */
export function settableValues(
  body: Record<string, unknown>,
  usage: Record<string, number>,
): Record<string, number> {
  const force = boolFromString(body.force ?? 'False');
  const out: Record<string, number> = {};
  for (const [key, raw] of Object.entries(body)) {
    if (key === 'force') continue;
    const value = typeof raw === 'number' ? raw : parseInt(String(raw), 10);
    const used = usage[key] ?? 0;
    // -1 is unlimited, so it is never below usage.
    if (!force && value !== -1 && value < used) {
      throw badRequest(`Quota limit ${value} for ${key} must be greater than or equal to already used and reserved ${used}.`);
    }
    out[key] = value;
  }
  return out;
}

export function quotaRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: Params }>('/os-quota-sets/:projectId', async (request) => {
      const { projectId } = request.params;
      authorizeRead(request, projectId, 'show');
      verifyProject(ctx, projectId);
      const limits = projectLimits(ctx, 'compute', projectId);
      return { quota_set: { id: projectId, ...pickVisible(request, (k) => limits[k] ?? -1) } };
    });

    app.get<{ Params: Params }>('/os-quota-sets/:projectId/defaults', async (request) => {
      const { projectId } = request.params;
      verifyProject(ctx, projectId);
      const defaults = quotaDefaults(ctx, 'compute');
      return { quota_set: { id: projectId, ...pickVisible(request, (k) => defaults[k] ?? -1) } };
    });

    app.get<{ Params: Params }>('/os-quota-sets/:projectId/detail', async (request) => {
      const { projectId } = request.params;
      authorizeRead(request, projectId, 'detail');
      verifyProject(ctx, projectId);
      const limits = projectLimits(ctx, 'compute', projectId);
      const usage = projectUsage(ctx, 'compute', projectId);
      const detail = pickVisible(request, (k) => ({ in_use: usage[k] ?? 0, limit: limits[k] ?? -1, reserved: 0 }));
      return { quota_set: { id: projectId, ...detail } };
    });

    app.put<{ Params: Params }>('/os-quota-sets/:projectId', async (request) => {
      const { projectId } = request.params;
      // Nova validates the body (decorator) before it checks policy and the project.
      const body = validateBody<{ quota_set: Record<string, unknown> }>(quotaUpdateSchema(request.microversion), request.body);
      requireAdmin(request, `${RULE}:update`);
      verifyProject(ctx, projectId);
      // Only accepted before 2.36 by the schema; nova-network is gone, so Nova refuses it explicitly.
      if ('networks' in body.quota_set) throw badRequest('The networks quota has been removed');
      const values = settableValues(body.quota_set, projectUsage(ctx, 'compute', projectId));
      await setQuotaOverrides(ctx, projectId, 'compute', values);
      const limits = projectLimits(ctx, 'compute', projectId);
      // Nova drops `id` from the update response (kept as in v2).
      return { quota_set: pickVisible(request, (k) => limits[k] ?? -1) };
    });

    app.delete<{ Params: Params }>('/os-quota-sets/:projectId', async (request, reply) => {
      requireAdmin(request, `${RULE}:delete`);
      await clearQuotaOverrides(ctx, request.params.projectId, 'compute');
      return reply.code(202).send();
    });
  };
}
