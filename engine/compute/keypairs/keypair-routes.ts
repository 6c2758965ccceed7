import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { badRequest, policyForbidden } from '../../http/api-error.ts';
import { atLeast } from '../../http/microversion.ts';
import { MAX_LIMIT, nextLinks } from '../../http/paging.ts';
import { authOf, computeUrl, type AuthContext } from '../../http/request-context.ts';
import { validateBody } from '../../http/validate.ts';
import { naiveMicros } from '../../util/time.ts';
import type { Keypair } from '../compute-model.ts';
import { assertNameFormats } from '../validation/nova-formats.ts';
import { assertKnownQuery, queryPage, queryValues } from '../flavors/query-params.ts';
import { assertKeypairQuota, findKeypair, fingerprintOf, generateKey, keypairsOf, saveKeypair, type KeyType } from './keypair-service.ts';

/**
 * os-keypairs (compute/keypairs.py). Microversions: 2.2 adds `type` and
 * answers 201/204; 2.10 lets admins act for another `user_id`; 2.35 pages
 * the list; 2.75 rejects unknown query parameters; 2.92 requires
 * `public_key` and widens names to `@` and `.`.
 */

const POLICY = 'os_compute_api:os-keypairs';

function createSchema(mv: FastifyRequest['microversion']) {
  const properties: Record<string, object> = { name: { type: 'string', minLength: 1, maxLength: 255 }, public_key: { type: 'string' } };
  if (atLeast(mv, 2, 2)) properties.type = { type: 'string', enum: ['ssh', 'x509'] };
  if (atLeast(mv, 2, 10)) properties.user_id = { type: 'string' };
  return {
    type: 'object',
    properties: {
      keypair: {
        type: 'object', properties,
        required: atLeast(mv, 2, 92) ? ['name', 'public_key'] : ['name'],
        additionalProperties: false,
      },
    },
    required: ['keypair'],
    additionalProperties: false,
  };
}
const SCHEMAS = new Map<string, object>();
function schemaFor(mv: FastifyRequest['microversion']): object {
  const key = `${atLeast(mv, 2, 2)}${atLeast(mv, 2, 10)}${atLeast(mv, 2, 92)}`;
  if (!SCHEMAS.has(key)) SCHEMAS.set(key, createSchema(mv));
  return SCHEMAS.get(key)!;
}

/** Nova's keypair rule `(role:admin) or user_id:%(user_id)s`. */
function authorize(auth: AuthContext, action: string, userId: string): void {
  if (!auth.isAdmin && auth.userId !== userId) throw policyForbidden(`${POLICY}:${action}`);
}

/** The target user: `?user_id=` (first value, from 2.10) or the caller. */
function queryUserId(request: FastifyRequest): string {
  const values = queryValues(request).user_id;
  return (atLeast(request.microversion, 2, 10) && values?.[0]) || authOf(request).userId;
}

function summary(keypair: Keypair, mv: FastifyRequest['microversion']): Record<string, unknown> {
  const view: Record<string, unknown> = { name: keypair.name, public_key: keypair.publicKey, fingerprint: keypair.fingerprint };
  if (atLeast(mv, 2, 2)) view.type = keypair.type;
  return view;
}

export function keypairRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.post('/os-keypairs', async (request, reply) => {
      const mv = request.microversion;
      const raw = (request.body as { keypair?: Record<string, unknown> } | undefined)?.keypair;
      if (raw && typeof raw === 'object') assertNameFormats(raw.name, ['name', atLeast(mv, 2, 92) ? 'keypair_name_292' : 'keypair_name_20']);
      const params = validateBody<{ keypair: { name: string; public_key?: string; type?: KeyType; user_id?: string } }>(schemaFor(mv), request.body).keypair;
      const auth = authOf(request);
      const name = params.name.trim();
      const type = params.type ?? 'ssh';
      const userId = params.user_id || auth.userId;
      authorize(auth, 'create', userId);

      assertKeypairQuota(ctx, auth.projectId, userId);
      let privateKey: string | undefined;
      let publicKey: string, fingerprint: string;
      if (params.public_key !== undefined) {
        publicKey = params.public_key;
        fingerprint = fingerprintOf(publicKey, type);
      } else {
        ({ publicKey, privateKey, fingerprint } = await generateKey(type, userId));
        // Generating yields to other requests; re-check as Nova re-checks after creating.
        assertKeypairQuota(ctx, auth.projectId, userId);
      }
      const keypair = await saveKeypair(ctx, { name, userId, type, publicKey, fingerprint });

      const view: Record<string, unknown> = { name: keypair.name, public_key: keypair.publicKey, fingerprint: keypair.fingerprint, user_id: keypair.userId };
      if (atLeast(mv, 2, 2)) view.type = keypair.type;
      if (privateKey !== undefined) view.private_key = privateKey;
      return reply.code(atLeast(mv, 2, 2) ? 201 : 200).send({ keypair: view });
    });

    app.get('/os-keypairs', async (request) => {
      const mv = request.microversion;
      const values = queryValues(request);
      if (atLeast(mv, 2, 75)) assertKnownQuery(values, ['user_id', 'limit', 'marker']);
      const auth = authOf(request);
      const userId = queryUserId(request);
      authorize(auth, 'index', userId);
      let keypairs = keypairsOf(ctx, userId);
      const paged = atLeast(mv, 2, 35);
      const page = paged ? queryPage(values) : {};
      if (page.marker !== undefined) {
        const index = keypairs.findIndex((k) => k.name === page.marker);
        if (index < 0) throw badRequest(`Marker ${page.marker} could not be found.`);
        keypairs = keypairs.slice(index + 1);
      }
      if (paged) keypairs = keypairs.slice(0, page.limit ?? MAX_LIMIT);
      const body: Record<string, unknown> = { keypairs: keypairs.map((k) => ({ keypair: summary(k, mv) })) };
      const links = paged ? nextLinks(request, `${computeUrl(request)}/os-keypairs`, keypairs, page, keypairs.at(-1)?.name) : undefined;
      if (links) body.keypairs_links = links;
      return body;
    });

    app.get<{ Params: { name: string } }>('/os-keypairs/:name', async (request) => {
      const mv = request.microversion;
      if (atLeast(mv, 2, 75)) assertKnownQuery(queryValues(request), ['user_id']);
      const userId = queryUserId(request);
      authorize(authOf(request), 'show', userId);
      const keypair = findKeypair(ctx, userId, request.params.name);
      const view: Record<string, unknown> = {
        name: keypair.name,
        public_key: keypair.publicKey,
        fingerprint: keypair.fingerprint,
        created_at: naiveMicros(new Date(keypair.createdAt)),
        deleted: false,
        deleted_at: null,
        id: keypair.numericId,
        user_id: keypair.userId,
        updated_at: null,
      };
      if (atLeast(mv, 2, 2)) view.type = keypair.type;
      return { keypair: view };
    });

    app.delete<{ Params: { name: string } }>('/os-keypairs/:name', async (request, reply) => {
      const mv = request.microversion;
      if (atLeast(mv, 2, 75)) assertKnownQuery(queryValues(request), ['user_id']);
      const userId = queryUserId(request);
      authorize(authOf(request), 'delete', userId);
      const keypair = findKeypair(ctx, userId, request.params.name);
      await ctx.store.keypairs.delete(keypair.id);
      return reply.code(atLeast(mv, 2, 2) ? 204 : 202).send();
    });
  };
}
