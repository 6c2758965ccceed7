import type { Clients } from '../../openstack/openstack-client.ts';
import type { OpContext } from '../../openstack/op-context.ts';
import type { Collection } from '../../openstack/paging.ts';
import { toMigration, type MigrationObserved } from './compute-service-observed.ts';

/**
 * `GET /os-migrations` (admin): the migration records of a host or a
 * server, newest first. From 2.59 Nova sorts newest first and pages by
 * `limit`/`marker` with `migrations_links`; novaform's minimum (2.53)
 * is below that, so an older answer is sorted here (by id, descending).
 * Records of deleted servers are gone (Nova soft-deletes them with the
 * server).
 */

const MIGRATIONS: Collection = { path: '/os-migrations', itemsKey: 'migrations', linksKey: 'migrations_links' };

export interface MigrationFilter {
  /** Source or destination host. */
  readonly host?: string;
  readonly serverId?: string;
  /** `live-migration`, `migration`, `resize`, `evacuation`. */
  readonly type?: string;
  readonly status?: string;
  /** Stop after this many (the newest ones). */
  readonly limit?: number;
}

/**
 * The migrations matching `filter`, newest first.
 *
 * @example
 * const [latest] = await listMigrations(clients, { serverId: id, type: 'live-migration', limit: 1 });
 */
export async function listMigrations(api: Clients, filter: MigrationFilter = {}, ctx?: OpContext): Promise<MigrationObserved[]> {
  const query = {
    ...(filter.host !== undefined ? { host: filter.host } : {}),
    ...(filter.serverId !== undefined ? { instance_uuid: filter.serverId } : {}),
    ...(filter.type !== undefined ? { migration_type: filter.type } : {}),
    ...(filter.status !== undefined ? { status: filter.status } : {}),
  };
  const out: MigrationObserved[] = [];
  if (api.compute.atLeast(2, 59)) {
    const pageSize = filter.limit !== undefined ? Math.min(filter.limit, 1000) : undefined;
    for await (const item of api.compute.list(MIGRATIONS, { query, ...(pageSize !== undefined ? { pageSize } : {}), ctx })) {
      out.push(toMigration(item));
      if (filter.limit !== undefined && out.length >= filter.limit) break;
    }
    return out;
  }
  const { body } = await api.compute.get<{ migrations?: unknown[] }>(MIGRATIONS.path, { query, ctx });
  const all = (body.migrations ?? []).map(toMigration).sort((a, b) => Number(b.id) - Number(a.id));
  return filter.limit !== undefined ? all.slice(0, filter.limit) : all;
}

/** The newest migration of the server (of `type`, if given), or undefined. */
export async function latestMigration(api: Clients, serverId: string, type?: string, ctx?: OpContext): Promise<MigrationObserved | undefined> {
  const [latest] = await listMigrations(api, { serverId, ...(type !== undefined ? { type } : {}), limit: 1 }, ctx);
  return latest;
}
