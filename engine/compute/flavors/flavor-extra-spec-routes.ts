import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { badRequest, notFound, policyForbidden } from '../../http/api-error.ts';
import { authOf, requireAdmin, type AuthContext } from '../../http/request-context.ts';
import { validateBody } from '../../http/validate.ts';
import { canReadExtraSpecs, findVisibleFlavor } from './flavor-query.ts';
import { assertMetadata, numberAsSpec } from '../validation/metadata-validation.ts';

/**
 * `/flavors/{id}/os-extra_specs` (compute/flavors_extraspecs.py). Reads need
 * the project reader role, writes admin. Create and update answer 200 with
 * the request body as sent (numbers stay numbers there; they are stored as
 * strings). Nova validates the body before the policy check.
 */

const POLICY = 'os_compute_api:os-flavor-extra-specs';
const CREATE_SHAPE = {
  type: 'object',
  properties: { extra_specs: { type: 'object' } },
  required: ['extra_specs'],
  additionalProperties: false,
};

type Specs = Record<string, string | number>;

function requireReader(request: FastifyRequest, action: 'index' | 'show'): AuthContext {
  const auth = authOf(request);
  if (!canReadExtraSpecs(auth)) throw policyForbidden(`${POLICY}:${action}`);
  return auth;
}

/** Numbers are checked as `str(value)` ≤ 255 (a schema cannot bound a number's length). */
function assertNumericValueLengths(specs: Specs): void {
  for (const value of Object.values(specs)) {
    if (typeof value !== 'number') continue;
    const text = numberAsSpec(value);
    if (text.length > 255) throw badRequest(`extra_specs value has ${text.length} characters, more than 255.`);
  }
}

function asStored(specs: Specs): Record<string, string> {
  return Object.fromEntries(Object.entries(specs).map(([k, v]) => [k, typeof v === 'number' ? numberAsSpec(v) : v]));
}

const noSuchKey = (flavorId: string, key: string) => notFound(`Flavor ${flavorId} has no extra specs with key ${key}.`);

export function flavorExtraSpecRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { id: string } }>('/flavors/:id/os-extra_specs', async (request) => {
      const auth = requireReader(request, 'index');
      return { extra_specs: { ...findVisibleFlavor(ctx, auth, request.params.id).extraSpecs } };
    });

    app.post<{ Params: { id: string } }>('/flavors/:id/os-extra_specs', async (request) => {
      const body = request.body as { extra_specs?: unknown } | undefined;
      if (body && typeof body === 'object' && 'extra_specs' in body) assertMetadata(body.extra_specs, 'extra_specs', { extraValueType: 'number' });
      const valid = validateBody<{ extra_specs: Specs }>(CREATE_SHAPE, body);
      const auth = requireAdmin(request, `${POLICY}:create`);
      assertNumericValueLengths(valid.extra_specs);
      const flavor = findVisibleFlavor(ctx, auth, request.params.id);
      flavor.extraSpecs = { ...flavor.extraSpecs, ...asStored(valid.extra_specs) };
      await ctx.store.flavors.put(flavor);
      return valid;
    });

    app.get<{ Params: { id: string; key: string } }>('/flavors/:id/os-extra_specs/:key', async (request) => {
      const auth = requireReader(request, 'show');
      const { id, key } = request.params;
      const flavor = findVisibleFlavor(ctx, auth, id);
      if (!Object.hasOwn(flavor.extraSpecs, key)) throw noSuchKey(id, key);
      return { [key]: flavor.extraSpecs[key] };
    });

    app.put<{ Params: { id: string; key: string } }>('/flavors/:id/os-extra_specs/:key', async (request) => {
      const { id, key } = request.params;
      assertMetadata(request.body, undefined, { extraValueType: 'number', exactlyOne: true });
      const body = request.body as Specs;
      const auth = requireAdmin(request, `${POLICY}:update`);
      assertNumericValueLengths(body);
      if (!Object.hasOwn(body, key)) throw badRequest('Request body and URI mismatch');
      const flavor = findVisibleFlavor(ctx, auth, id);
      flavor.extraSpecs = { ...flavor.extraSpecs, ...asStored(body) };
      await ctx.store.flavors.put(flavor);
      return body;
    });

    app.delete<{ Params: { id: string; key: string } }>('/flavors/:id/os-extra_specs/:key', async (request, reply) => {
      const auth = requireAdmin(request, `${POLICY}:delete`);
      const { id, key } = request.params;
      const flavor = findVisibleFlavor(ctx, auth, id);
      if (!Object.hasOwn(flavor.extraSpecs, key)) throw noSuchKey(id, key);
      const { [key]: _removed, ...rest } = flavor.extraSpecs;
      void _removed;
      flavor.extraSpecs = rest;
      await ctx.store.flavors.put(flavor);
      return reply.code(200).send();
    });
  };
}
