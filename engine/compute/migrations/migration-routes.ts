import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EngineContext } from '../../engine-context.ts';
import { badRequest } from '../../http/api-error.ts';
import { atLeast } from '../../http/microversion.ts';
import { nextLinks, pageOf } from '../../http/paging.ts';
import { computeUrl, requireAdmin } from '../../http/request-context.ts';
import type { Migration } from '../compute-model.ts';
import { assertKnownQuery, lastValue, queryPage, queryValues, type QueryValues } from '../flavors/query-params.ts';
import { parseTime } from '../servers/server-list-query.ts';
import { migrationExists } from '../../topology/topology.ts';
import { migrationView } from './migration-view.ts';

/**
 * `GET /os-migrations` (compute/migrations.py), admin only. Filters:
 * `host` (source or destination), `source_compute` (when no `host`),
 * `status`, `instance_uuid`, `migration_type`, and `user_id`/`project_id`
 * (2.80; older versions pass them to the database too). From 2.59: newest
 * first (created_at, id), `limit`/`marker` (a migration uuid),
 * `changes-since` and `migrations_links`, and unknown parameters are 400;
 * 2.66 adds `changes-before`. Migrations of deleted servers are gone, as
 * Nova soft-deletes them with the instance.
 */

const POLICY = 'os_compute_api:os-migrations:index';
const FILTERS = ['hidden', 'host', 'instance_uuid', 'source_compute', 'status', 'migration_type'];

function knownParameters(request: FastifyRequest): string[] {
  const v = request.microversion;
  return [
    ...FILTERS, 'limit', 'marker', 'changes-since',
    ...(atLeast(v, 2, 66) ? ['changes-before'] : []),
    ...(atLeast(v, 2, 80) ? ['user_id', 'project_id'] : []),
  ];
}

/** The changes-since / changes-before window on `updated_at` (a never-updated migration matches neither). */
function timeWindow(request: FastifyRequest, values: QueryValues): (m: Migration) => boolean {
  const v = request.microversion;
  const sinceRaw = atLeast(v, 2, 59) ? lastValue(values, 'changes-since') : undefined;
  const beforeRaw = atLeast(v, 2, 66) ? lastValue(values, 'changes-before') : undefined;
  const since = sinceRaw !== undefined ? parseTime('changes-since', sinceRaw) : undefined;
  const before = beforeRaw !== undefined ? parseTime('changes-before', beforeRaw) : undefined;
  if (since !== undefined && before !== undefined && before < since) {
    throw badRequest('The value of changes-since must be less than or equal to changes-before.');
  }
  return (m) => {
    if (since === undefined && before === undefined) return true;
    if (!m.updatedAt) return false;
    const updated = Date.parse(m.updatedAt);
    return (since === undefined || updated >= since) && (before === undefined || updated <= before);
  };
}

function matchesFilters(values: QueryValues): (m: Migration) => boolean {
  const get = (name: string) => lastValue(values, name);
  const host = get('host');
  return (m) => {
    if (get('status') !== undefined && m.status !== get('status')) return false;
    if (host !== undefined) {
      if (m.sourceCompute !== host && m.destCompute !== host) return false;
    } else if (get('source_compute') !== undefined && m.sourceCompute !== get('source_compute')) return false;
    if (get('migration_type') !== undefined && m.migrationType !== get('migration_type')) return false;
    if (get('instance_uuid') !== undefined && m.serverId !== get('instance_uuid')) return false;
    if (get('user_id') !== undefined && m.userId !== get('user_id')) return false;
    if (get('project_id') !== undefined && m.projectId !== get('project_id')) return false;
    return true;
  };
}

/** Newest first: created_at desc, then id desc (Nova's default sort from 2.59). */
function newestFirst(a: Migration, b: Migration): number {
  return b.createdAt.localeCompare(a.createdAt) || Number(b.id) - Number(a.id);
}

export function migrationRoutes(ctx: EngineContext) {
  return async (app: FastifyInstance) => {
    app.get('/os-migrations', async (request) => {
      const v = request.microversion;
      const values = queryValues(request);
      const paged = atLeast(v, 2, 59);
      if (paged) assertKnownQuery(values, knownParameters(request));
      const page = paged ? queryPage(values) : undefined;
      const inWindow = timeWindow(request, values);
      requireAdmin(request, POLICY);

      const matches = matchesFilters(values);
      let migrations = ctx.store.migrations.filter((m) => migrationExists(ctx, m) && matches(m) && inWindow(m));
      migrations = paged ? migrations.sort(newestFirst) : migrations.sort((a, b) => Number(a.id) - Number(b.id));
      if (page) {
        if (page.limit === 0) migrations = [];
        else migrations = pageOf(migrations, page, (m) => m.uuid, (marker) => `Marker ${marker} could not be found.`);
      }
      const body: Record<string, unknown> = { migrations: migrations.map((m) => migrationView(request, m)) };
      if (page) {
        const next = nextLinks(request, `${computeUrl(request)}/os-migrations`, migrations, page, migrations[migrations.length - 1]?.uuid);
        if (next) body.migrations_links = next;
      }
      return body;
    });
  };
}
