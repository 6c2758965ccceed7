import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { notFound } from '../../http/api-error.ts';
import { atLeast } from '../../http/microversion.ts';
import { nextLinks } from '../../http/paging.ts';
import { authOf, computeUrl, requireAdmin } from '../../http/request-context.ts';
import { validateBody } from '../../http/validate.ts';
import { createFlavor, parseFlavorCreate, UPDATE_SCHEMA } from './flavor-create.ts';
import { flavorAccessRoutes } from './flavor-access-routes.ts';
import { flavorExtraSpecRoutes } from './flavor-extra-spec-routes.ts';
import { canReadExtraSpecs, FLAVOR_SORT_KEYS, findVisibleFlavor, flavorListFilters, pageOfFlavors, passesListFilters, type FlavorSortKey } from './flavor-query.ts';
import { basicFlavorView, flavorView } from './flavor-view.ts';
import { assertKnownQuery, assertQueryEnum, lastValue, lastValues, queryPage, queryValues } from './query-params.ts';

const MANAGE = 'os_compute_api:os-flavor-manage';
const LIST_QUERY = ['limit', 'marker', 'is_public', 'minRam', 'minDisk', 'sort_key', 'sort_dir'] as const;

/**
 * Nova flavors: list (`/flavors`, `/flavors/detail`), show, and
 * flavor-manage (create 200, delete 202, PUT description from 2.55); the
 * extra-specs and flavor-access sub-resources register from here too.
 */
export function flavorRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    const list = (detail: boolean) => async (request: FastifyRequest) => {
      const auth = authOf(request);
      const values = queryValues(request);
      if (atLeast(request.microversion, 2, 75)) assertKnownQuery(values, LIST_QUERY);
      assertQueryEnum(values, 'sort_key', FLAVOR_SORT_KEYS);
      assertQueryEnum(values, 'sort_dir', ['asc', 'desc']);
      const page = queryPage(values);
      const filters = flavorListFilters(auth, lastValues(values));
      const ranked = ctx.store.flavors.all().map((flavor, rowId) => ({ flavor, rowId }));
      const flavors = pageOfFlavors(ranked, ranked.filter((r) => passesListFilters(r.flavor, filters, auth.projectId)), {
        key: (lastValue(values, 'sort_key') || 'flavorid') as FlavorSortKey,
        dir: (lastValue(values, 'sort_dir') || 'asc') as 'asc' | 'desc',
        limit: page.limit,
        marker: page.marker,
        auth,
      });
      const includeSpecs = canReadExtraSpecs(auth);
      const body: Record<string, unknown> = {
        flavors: flavors.map((f) => (detail ? flavorView(request, f, includeSpecs) : basicFlavorView(request, f))),
      };
      const links = nextLinks(request, `${computeUrl(request)}/flavors${detail ? '/detail' : ''}`, flavors, page, flavors.at(-1)?.id);
      if (links) body.flavors_links = links;
      return body;
    };
    app.get('/flavors', list(false));
    app.get('/flavors/detail', list(true));

    app.get<{ Params: { id: string } }>('/flavors/:id', async (request) => {
      const auth = authOf(request);
      const flavor = findVisibleFlavor(ctx, auth, request.params.id);
      return { flavor: flavorView(request, flavor, canReadExtraSpecs(auth)) };
    });

    app.post('/flavors', async (request) => {
      const fields = parseFlavorCreate(request.body, request.microversion);
      const auth = requireAdmin(request, `${MANAGE}:create`);
      const flavor = await createFlavor(ctx, fields, request.microversion);
      return { flavor: flavorView(request, flavor, canReadExtraSpecs(auth)) };
    });

    app.put<{ Params: { id: string } }>('/flavors/:id', async (request) => {
      if (!atLeast(request.microversion, 2, 55)) throw notFound();
      const body = validateBody<{ flavor: { description: string | null } }>(UPDATE_SCHEMA, request.body);
      const auth = requireAdmin(request, `${MANAGE}:update`);
      const flavor = findVisibleFlavor(ctx, auth, request.params.id);
      flavor.description = body.flavor.description;
      await ctx.store.flavors.put(flavor);
      return { flavor: flavorView(request, flavor, canReadExtraSpecs(auth)) };
    });

    app.delete<{ Params: { id: string } }>('/flavors/:id', async (request, reply) => {
      const auth = requireAdmin(request, `${MANAGE}:delete`);
      const flavor = findVisibleFlavor(ctx, auth, request.params.id);
      await ctx.store.flavors.delete(flavor.id);
      return reply.code(202).send();
    });

    await app.register(flavorExtraSpecRoutes(ctx));
    await app.register(flavorAccessRoutes(ctx));
  };
}
