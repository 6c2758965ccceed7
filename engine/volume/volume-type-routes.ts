import type { FastifyInstance } from 'fastify';
import type { EngineContext } from '../engine-context.ts';
import { badRequest, conflict } from '../http/api-error.ts';
import type { AuthContext } from '../http/request-context.ts';
import { authOf, requireAdmin } from '../http/request-context.ts';
import { validateBody } from '../http/validate.ts';
import { newUuid } from '../util/ids.ts';
import { volumeTypeNotFound } from './volume-errors.ts';
import type { VolumeType } from './volume-model.ts';
import { CINDER_BOOLEAN, METADATA } from './volume-schemas.ts';
import { DEFAULT_VOLUME_TYPE, typeVisibleTo } from './volume-service.ts';

/** Extra specs a non-admin may see (Cinder's user-visible keys, Xena and later). */
const USER_VISIBLE_SPECS = ['multiattach', 'RESKEY:availability_zones', 'replication_enabled'];

const NAME = { type: 'string', minLength: 1, maxLength: 255 };
const DESCRIPTION = { type: ['string', 'null'], maxLength: 255 };

const CREATE = {
  type: 'object',
  properties: {
    volume_type: {
      type: 'object',
      properties: {
        name: NAME, description: DESCRIPTION,
        extra_specs: { ...METADATA, type: ['object', 'null'] },
        'os-volume-type-access:is_public': CINDER_BOOLEAN,
      },
      required: ['name'],
      additionalProperties: false,
    },
  },
  required: ['volume_type'],
  additionalProperties: false,
};

const UPDATE = {
  type: 'object',
  properties: {
    volume_type: {
      type: 'object',
      properties: { name: NAME, description: DESCRIPTION, is_public: CINDER_BOOLEAN },
      additionalProperties: false,
    },
  },
  required: ['volume_type'],
  additionalProperties: false,
};

const asBool = (value: unknown) => value === true || (typeof value === 'string' && ['true', '1', 'on', 'yes', 'y', 't'].includes(value.toLowerCase()));

/**
 * Cinder's types view (api/views/types.py plus the volume_type_access
 * extension), as the real Zed cloud answers: `qos_specs_id` for admins,
 * on list and show only (not on create or update);
 * `os-volume-type-access:is_public` on list, show by id and create, but
 * not on update nor on `GET /types/default` (the extension does not wrap
 * those).
 */
export function volumeTypeView(type: VolumeType, auth: AuthContext, parts: { qos?: boolean; access?: boolean } = {}): Record<string, unknown> {
  const specs = visibleExtraSpecs(type, auth);
  const view: Record<string, unknown> = {
    id: type.id,
    name: type.name,
    is_public: type.isPublic,
    description: type.description,
    extra_specs: specs,
  };
  if (auth.isAdmin && (parts.qos ?? true)) view.qos_specs_id = null;
  if (parts.access ?? true) view['os-volume-type-access:is_public'] = type.isPublic;
  return view;
}

/** All extra specs for admins; the user-visible ones for everyone else. */
export function visibleExtraSpecs(type: VolumeType, auth: AuthContext): Record<string, string> {
  if (auth.isAdmin) return { ...type.extraSpecs };
  return Object.fromEntries(Object.entries(type.extraSpecs).filter(([k]) => USER_VISIBLE_SPECS.includes(k)));
}

/** A type by id (or `default`), as the caller may see it. */
function findTypeById(ctx: EngineContext, auth: AuthContext, id: string): VolumeType {
  const type = id === 'default'
    ? ctx.store.volumeTypes.find((t) => t.name === DEFAULT_VOLUME_TYPE)
    : ctx.store.volumeTypes.get(id);
  if (!type || !typeVisibleTo(type, auth)) throw volumeTypeNotFound(id, false);
  return type;
}

/**
 * Volume types (cinder/api/v3/types.py, contrib/types_manage.py): anyone
 * lists and shows public types; admins see private ones and create,
 * update and delete (extra specs: volume-type-extra-spec-routes.ts).
 */
export function volumeTypeRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { is_public?: string } }>('/types', async (request) => {
      const auth = authOf(request);
      const isPublic = request.query.is_public;
      let types = ctx.store.volumeTypes.filter((t) => typeVisibleTo(t, auth));
      // Admins may filter; 'None' means both kinds (Cinder's is_public=None).
      if (auth.isAdmin && isPublic !== undefined && isPublic.toLowerCase() !== 'none') types = types.filter((t) => t.isPublic === asBool(isPublic));
      return { volume_types: types.map((t) => volumeTypeView(t, auth)) };
    });

    app.get<{ Params: { id: string } }>('/types/:id', async (request) => {
      const auth = authOf(request);
      return { volume_type: volumeTypeView(findTypeById(ctx, auth, request.params.id), auth, { access: request.params.id !== 'default' }) };
    });

    app.post('/types', async (request) => {
      const body = validateBody<{ volume_type: { name: string; description?: string | null; extra_specs?: Record<string, string> | null; 'os-volume-type-access:is_public'?: unknown } }>(CREATE, request.body);
      const auth = requireAdmin(request, 'volume_extension:type_create');
      const fields = body.volume_type;
      const name = fields.name.trim();
      if (ctx.store.volumeTypes.find((t) => t.name === name)) throw conflict(`Volume Type ${name} already exists.`);
      const isPublic = fields['os-volume-type-access:is_public'] === undefined ? true : asBool(fields['os-volume-type-access:is_public']);
      const type: VolumeType = { id: newUuid(), name, description: fields.description ?? null, isPublic, extraSpecs: { ...fields.extra_specs } };
      await ctx.store.volumeTypes.put(type);
      return { volume_type: volumeTypeView(type, auth, { qos: false }) };
    });

    app.put<{ Params: { id: string } }>('/types/:id', async (request) => {
      const body = validateBody<{ volume_type: { name?: string; description?: string | null; is_public?: unknown } }>(UPDATE, request.body);
      const auth = requireAdmin(request, 'volume_extension:type_update');
      const type = findTypeById(ctx, auth, request.params.id);
      const { name, description, is_public: isPublic } = body.volume_type;
      if (name === undefined && description === undefined && isPublic === undefined) {
        throw badRequest('Specify volume type name, description, is_public or a combination thereof.');
      }
      if (name !== undefined && name.trim() !== type.name) {
        const newName = name.trim();
        if (ctx.store.volumeTypes.find((t) => t.name === newName)) throw conflict(`Volume Type ${newName} already exists.`);
        // Cinder refers to types by id; the engine's volumes hold the name, so they follow the rename.
        for (const volume of ctx.store.volumes.filter((v) => v.volumeType === type.name)) {
          volume.volumeType = newName;
          await ctx.store.volumes.put(volume);
        }
        type.name = newName;
      }
      if (description !== undefined) type.description = description;
      if (isPublic !== undefined) type.isPublic = asBool(isPublic);
      await ctx.store.volumeTypes.put(type);
      return { volume_type: volumeTypeView(type, auth, { qos: false, access: false }) };
    });

    app.delete<{ Params: { id: string } }>('/types/:id', async (request, reply) => {
      const auth = requireAdmin(request, 'volume_extension:type_delete');
      const type = findTypeById(ctx, auth, request.params.id);
      if (type.name === DEFAULT_VOLUME_TYPE) {
        throw badRequest(`The volume type ${type.id} is the only currently defined volume type and cannot be deleted.`);
      }
      if (ctx.store.volumes.find((v) => v.volumeType === type.name)) throw badRequest('Target volume type is still in use.');
      await ctx.store.volumeTypes.delete(type.id);
      return reply.code(202).send();
    });
  };
}
