import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../engine-context.ts';
import { badRequest, notFound } from '../http/api-error.ts';
import type { AuthContext } from '../http/request-context.ts';
import { authOf, requireAdmin } from '../http/request-context.ts';
import { validateBody } from '../http/validate.ts';
import { volumeTypeNotFound } from './volume-errors.ts';
import type { VolumeType } from './volume-model.ts';
import { METADATA } from './volume-schemas.ts';
import { typeVisibleTo } from './volume-service.ts';
import { visibleExtraSpecs } from './volume-type-routes.ts';

const CREATE = { type: 'object', properties: { extra_specs: METADATA }, required: ['extra_specs'], additionalProperties: false };
const UPDATE = { ...METADATA, minProperties: 1 };

type TypeParams = { Params: { id: string } };
type KeyParams = { Params: { id: string; key: string } };

function findType(ctx: EngineContext, auth: AuthContext, id: string): VolumeType {
  const type = ctx.store.volumeTypes.get(id);
  if (!type || !typeVisibleTo(type, auth)) throw volumeTypeNotFound(id, false);
  return type;
}

const specNotFound = (id: string, key: string) => notFound(`Volume Type ${id} has no extra specs with key ${key}.`);

/**
 * `/types/{id}/extra_specs` (cinder/api/contrib/types_extra_specs.py):
 * readers see the user-visible specs, admins all and may change them.
 * A single spec is answered unwrapped (`{"key": "value"}`), as in Cinder.
 * Changing the specs of a type in use is allowed here (Cinder refuses a
 * few backend-affecting keys only; the engine has one backend).
 */
export function volumeTypeExtraSpecRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get<TypeParams>('/types/:id/extra_specs', async (request) => {
      const auth = authOf(request);
      return { extra_specs: visibleExtraSpecs(findType(ctx, auth, request.params.id), auth) };
    });

    app.post<TypeParams>('/types/:id/extra_specs', async (request) => {
      const body = validateBody<{ extra_specs: Record<string, string> }>(CREATE, request.body);
      const auth = requireAdmin(request, 'volume_extension:types_extra_specs:create');
      const type = findType(ctx, auth, request.params.id);
      type.extraSpecs = { ...type.extraSpecs, ...body.extra_specs };
      await ctx.store.volumeTypes.put(type);
      return { extra_specs: body.extra_specs };
    });

    app.get<KeyParams>('/types/:id/extra_specs/:key', async (request) => {
      const auth = authOf(request);
      const { id, key } = request.params;
      const specs = visibleExtraSpecs(findType(ctx, auth, id), auth);
      if (!(key in specs)) throw specNotFound(id, key);
      return { [key]: specs[key] };
    });

    app.put<KeyParams>('/types/:id/extra_specs/:key', async (request) => {
      const body = validateBody<Record<string, string>>(UPDATE, request.body);
      const auth = requireAdmin(request, 'volume_extension:types_extra_specs:update');
      const { id, key } = request.params;
      if (!(key in body)) throw badRequest('Request body and URI mismatch');
      if (Object.keys(body).length > 1) throw badRequest('Request body contains too many items');
      const type = findType(ctx, auth, id);
      type.extraSpecs = { ...type.extraSpecs, [key]: body[key]! };
      await ctx.store.volumeTypes.put(type);
      return { [key]: body[key] };
    });

    app.delete<KeyParams>('/types/:id/extra_specs/:key', async (request, reply) => {
      const auth = requireAdmin(request, 'volume_extension:types_extra_specs:delete');
      const { id, key } = request.params;
      const type = findType(ctx, auth, id);
      if (!(key in type.extraSpecs)) throw specNotFound(id, key);
      const { [key]: _removed, ...rest } = type.extraSpecs;
      void _removed;
      type.extraSpecs = rest;
      await ctx.store.volumeTypes.put(type);
      return reply.code(202).send();
    });
  };
}
