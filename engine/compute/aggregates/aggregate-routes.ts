import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { badRequest, conflict, notFound } from '../../http/api-error.ts';
import { atLeast } from '../../http/microversion.ts';
import { requireAdmin } from '../../http/request-context.ts';
import { newUuid } from '../../util/ids.ts';
import { naiveMicros } from '../../util/time.ts';
import type { Aggregate } from '../compute-model.ts';
import { actionName } from '../flavors/flavor-access-routes.ts';
import {
  aggregateIdOf, aggregatesById, applyMetadata, assertComputeHost, assertSafeAzUpdate, findAggregate, invalidAggregateAction,
} from './aggregate-rules.ts';
import { parseCreate, parseHostAction, parseImages, parseSetMetadata, parseUpdate } from './aggregate-schemas.ts';

/**
 * os-aggregates (compute/aggregates.py): admin-only, every call 200 (the
 * 2.81 image-cache request 202). Nova validates bodies before the policy
 * check and the id after it.
 */

const POLICY = 'os_compute_api:os-aggregates';

/** The aggregate as `_marshall_aggregate` renders it; `uuid` from 2.41, timestamps naive with microseconds. */
export function aggregateView(request: FastifyRequest, aggregate: Aggregate, withMembers = true): Record<string, unknown> {
  const view: Record<string, unknown> = {
    availability_zone: aggregate.availabilityZone,
    created_at: naiveMicros(new Date(aggregate.createdAt)),
    deleted: false,
    deleted_at: null,
    ...(withMembers ? { hosts: [...aggregate.hosts] } : {}),
    id: Number(aggregate.id),
    ...(withMembers ? { metadata: { ...aggregate.metadata } } : {}),
    name: aggregate.name,
    updated_at: aggregate.updatedAt ? naiveMicros(new Date(aggregate.updatedAt)) : null,
  };
  if (atLeast(request.microversion, 2, 41)) view.uuid = aggregate.uuid;
  return view;
}

function assertNameFree(ctx: EngineContext, name: string, exceptId?: string): void {
  if (ctx.store.aggregates.find((a) => a.name === name && a.id !== exceptId)) throw conflict(`Aggregate ${name} already exists.`);
}

export function aggregateRoutes(ctx: EngineContext) {
  const save = async (aggregate: Aggregate, touched: boolean) => {
    if (touched) aggregate.updatedAt = new Date().toISOString();
    await ctx.store.aggregates.put(aggregate);
  };

  const addHost = async (request: FastifyRequest, rawId: string) => {
    const host = parseHostAction(request.body, 'add_host');
    requireAdmin(request, `${POLICY}:add_host`);
    aggregateIdOf(rawId);
    assertComputeHost(ctx, host);
    const aggregate = findAggregate(ctx, rawId);
    assertSafeAzUpdate(ctx, aggregate, aggregate.metadata, 'add', { hosts: [host] });
    if (aggregate.hosts.includes(host)) throw conflict(`Aggregate ${rawId} already has host ${host}.`);
    aggregate.hosts = [...aggregate.hosts, host];
    await save(aggregate, false);
    return { aggregate: aggregateView(request, aggregate) };
  };

  const removeHost = async (request: FastifyRequest, rawId: string) => {
    const host = parseHostAction(request.body, 'remove_host');
    requireAdmin(request, `${POLICY}:remove_host`);
    aggregateIdOf(rawId);
    const aggregate = ctx.store.aggregates.get(aggregateIdOf(rawId));
    // Unknown host, unknown aggregate and non-member all read the same in Nova.
    if (!ctx.store.hosts.has(host) || !aggregate || !aggregate.hosts.includes(host)) {
      throw notFound(`Cannot remove host ${host} in aggregate ${rawId}`);
    }
    aggregate.hosts = aggregate.hosts.filter((h) => h !== host);
    await save(aggregate, false);
    return { aggregate: aggregateView(request, aggregate) };
  };

  const setMetadata = async (request: FastifyRequest, rawId: string) => {
    const metadata = parseSetMetadata(request.body);
    requireAdmin(request, `${POLICY}:set_metadata`);
    const aggregate = findAggregate(ctx, rawId);
    assertSafeAzUpdate(ctx, aggregate, metadata, 'update_meta', { checkInstances: true });
    applyMetadata(aggregate, metadata);
    await save(aggregate, true);
    return { aggregate: aggregateView(request, aggregate) };
  };

  return async (app: FastifyInstance) => {
    app.get('/os-aggregates', async (request) => {
      requireAdmin(request, `${POLICY}:index`);
      return { aggregates: aggregatesById(ctx).map((a) => aggregateView(request, a)) };
    });

    app.post('/os-aggregates', async (request) => {
      const { name, zone } = parseCreate(request.body);
      requireAdmin(request, `${POLICY}:create`);
      assertNameFree(ctx, name);
      const now = new Date().toISOString();
      const aggregate: Aggregate = {
        id: String(ctx.store.nextId('aggregate')), uuid: newUuid(), name, availabilityZone: zone, hosts: [],
        metadata: zone ? { availability_zone: zone } : {}, createdAt: now, updatedAt: null,
      };
      await ctx.store.aggregates.put(aggregate);
      return { aggregate: aggregateView(request, aggregate, false) };
    });

    app.get<{ Params: { id: string } }>('/os-aggregates/:id', async (request) => {
      requireAdmin(request, `${POLICY}:show`);
      return { aggregate: aggregateView(request, findAggregate(ctx, request.params.id)) };
    });

    app.put<{ Params: { id: string } }>('/os-aggregates/:id', async (request) => {
      const updates = parseUpdate(request.body);
      requireAdmin(request, `${POLICY}:update`);
      const aggregate = findAggregate(ctx, request.params.id);
      if (updates.name !== undefined) {
        // Nova saves the new name before it checks the zone, so a rejected zone keeps the rename.
        assertNameFree(ctx, updates.name, aggregate.id);
        aggregate.name = updates.name;
        await save(aggregate, true);
      }
      if (Object.hasOwn(updates, 'availability_zone')) {
        const metadata = { availability_zone: updates.availability_zone ?? null };
        assertSafeAzUpdate(ctx, aggregate, metadata, 'update', { checkInstances: true });
        applyMetadata(aggregate, metadata);
        await save(aggregate, true);
      }
      return { aggregate: aggregateView(request, aggregate) };
    });

    app.delete<{ Params: { id: string } }>('/os-aggregates/:id', async (request, reply) => {
      requireAdmin(request, `${POLICY}:delete`);
      const aggregate = findAggregate(ctx, request.params.id);
      if (aggregate.hosts.length > 0) throw invalidAggregateAction('delete', request.params.id, 'Host aggregate is not empty');
      await ctx.store.aggregates.delete(aggregate.id);
      return reply.code(200).send();
    });

    app.post<{ Params: { id: string } }>('/os-aggregates/:id/action', async (request) => {
      const action = actionName(request.body);
      if (action === 'add_host') return addHost(request, request.params.id);
      if (action === 'remove_host') return removeHost(request, request.params.id);
      if (action === 'set_metadata') return setMetadata(request, request.params.id);
      throw badRequest(`There is no such action: ${action}`);
    });

    app.post<{ Params: { id: string } }>('/os-aggregates/:id/images', async (request, reply) => {
      if (!atLeast(request.microversion, 2, 81)) throw notFound();
      const images = parseImages(request.body);
      requireAdmin(request, 'compute:aggregates:images');
      aggregateIdOf(request.params.id);
      if (new Set(images).size !== images.length) throw badRequest('Duplicate images in request');
      findAggregate(ctx, request.params.id);
      // Image pre-caching has no observable effect on the simulated hosts.
      return reply.code(202).send();
    });
  };
}
