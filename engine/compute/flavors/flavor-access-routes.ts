import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { badRequest, conflict, notFound } from '../../http/api-error.ts';
import { atLeast } from '../../http/microversion.ts';
import { requireAdmin } from '../../http/request-context.ts';
import { validateBody } from '../../http/validate.ts';
import type { Flavor } from '../compute-model.ts';
import { findVisibleFlavor } from './flavor-query.ts';

/**
 * Private-flavor access (compute/flavor_access.py): `GET
 * /flavors/{id}/os-flavor-access` and the `addTenantAccess` /
 * `removeTenantAccess` actions on `POST /flavors/{id}/action`. All admin-only
 * by Nova's default policy.
 */

const POLICY = 'os_compute_api:os-flavor-access';

const tenantSchema = (action: string) => ({
  type: 'object',
  properties: {
    [action]: {
      type: 'object',
      properties: { tenant: { type: 'string', minLength: 1, maxLength: 255 } },
      required: ['tenant'],
      additionalProperties: false,
    },
  },
  required: [action],
  additionalProperties: false,
});
const ADD = tenantSchema('addTenantAccess');
const REMOVE = tenantSchema('removeTenantAccess');

function accessList(flavor: Flavor) {
  return { flavor_access: flavor.access.map((projectId) => ({ flavor_id: flavor.id, tenant_id: projectId })) };
}

/**
 * The action a body names (wsgi.py `action_peek`): exactly one top-level
 * key, else 400 "Malformed request body".
 */
export function actionName(body: unknown): string {
  if (!body || typeof body !== 'object' || Array.isArray(body) || Object.keys(body).length !== 1) {
    throw badRequest('Malformed request body');
  }
  return Object.keys(body)[0]!;
}

/** nova/api/openstack/identity.py `verify_project_id`: an unknown project is a 400. */
function verifyProjectId(ctx: EngineContext, projectId: string): void {
  if (!ctx.store.projects.has(projectId)) throw badRequest(`Project ID ${projectId} is not a valid project.`);
}

export function flavorAccessRoutes(ctx: EngineContext) {
  const addTenantAccess = async (request: FastifyRequest, id: string) => {
    const { tenant } = validateBody<{ addTenantAccess: { tenant: string } }>(ADD, request.body).addTenantAccess;
    const auth = requireAdmin(request, `${POLICY}:add_tenant_access`);
    verifyProjectId(ctx, tenant);
    const flavor = findVisibleFlavor(ctx, auth, id);
    if (atLeast(request.microversion, 2, 7) && flavor.isPublic) throw conflict('Can not add access to a public flavor.');
    if (flavor.access.includes(tenant)) {
      // Nova names the flavor by its internal integer id here (FlavorAccessExists(flavor_id=flavor.id)), as the real cloud shows.
      throw conflict(`Flavor access already exists for flavor ${flavor.numericId ?? flavor.id} and project ${tenant} combination.`);
    }
    flavor.access = [...flavor.access, tenant];
    await ctx.store.flavors.put(flavor);
    return accessList(flavor);
  };

  const removeTenantAccess = async (request: FastifyRequest, id: string) => {
    const { tenant } = validateBody<{ removeTenantAccess: { tenant: string } }>(REMOVE, request.body).removeTenantAccess;
    const auth = requireAdmin(request, `${POLICY}:remove_tenant_access`);
    verifyProjectId(ctx, tenant);
    const flavor = findVisibleFlavor(ctx, auth, id);
    if (!flavor.access.includes(tenant)) throw notFound(`Flavor access not found for ${flavor.numericId ?? flavor.id} / ${tenant} combination.`);
    flavor.access = flavor.access.filter((p) => p !== tenant);
    await ctx.store.flavors.put(flavor);
    return accessList(flavor);
  };

  return async (app: FastifyInstance) => {
    app.get<{ Params: { id: string } }>('/flavors/:id/os-flavor-access', async (request) => {
      const auth = requireAdmin(request, POLICY);
      const flavor = findVisibleFlavor(ctx, auth, request.params.id);
      if (flavor.isPublic) throw notFound('Access list not available for public flavors.');
      return accessList(flavor);
    });

    app.post<{ Params: { id: string } }>('/flavors/:id/action', async (request) => {
      const action = actionName(request.body);
      if (action === 'addTenantAccess') return addTenantAccess(request, request.params.id);
      if (action === 'removeTenantAccess') return removeTenantAccess(request, request.params.id);
      throw badRequest(`There is no such action: ${action}`);
    });
  };
}
