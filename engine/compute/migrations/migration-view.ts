import type { FastifyRequest } from 'fastify';
import { atLeast } from '../../http/microversion.ts';
import { computeBookmarkUrl, computeUrl } from '../../http/request-context.ts';
import type { Migration } from '../compute-model.ts';

/**
 * Migrations as os-migrations (compute/migrations.py `_output`) and the
 * server-migrations sub-resource (compute/server_migrations.py `output`)
 * render them. Timestamps are MySQL's: seconds, then `.000000`.
 */

/** Live-migration statuses that count as in progress (shown by server-migrations, linked from os-migrations). */
export const LIVE_IN_PROGRESS = ['queued', 'preparing', 'running', 'post-migrating'];

export function dbTime(iso: string | null): string | null {
  return iso ? `${iso.slice(0, 19)}.000000` : null;
}

export const sourceNodeOf = (m: Migration) => (m.sourceNode !== undefined ? m.sourceNode : m.sourceCompute);
export const destNodeOf = (m: Migration) => (m.destNode !== undefined ? m.destNode : m.destCompute);

function links(request: FastifyRequest, m: Migration): Array<{ href: string; rel: string }> {
  const path = `servers/${m.serverId}/migrations/${m.id}`;
  return [
    { href: `${computeUrl(request)}/${path}`, rel: 'self' },
    { href: `${computeBookmarkUrl(request)}/${path}`, rel: 'bookmark' },
  ];
}

/** One item of `GET /os-migrations`, in the order of Nova's Migration fields. */
export function migrationView(request: FastifyRequest, m: Migration): Record<string, unknown> {
  const v = request.microversion;
  const view: Record<string, unknown> = { id: Number(m.id) };
  if (atLeast(v, 2, 59)) view.uuid = m.uuid;
  Object.assign(view, {
    source_compute: m.sourceCompute,
    dest_compute: m.destCompute,
    source_node: sourceNodeOf(m),
    dest_node: destNodeOf(m),
    dest_host: m.destHost ?? null,
    old_instance_type_id: m.oldInstanceTypeId ?? null,
    new_instance_type_id: m.newInstanceTypeId ?? null,
    instance_uuid: m.serverId,
    status: m.status,
  });
  if (atLeast(v, 2, 23)) view.migration_type = m.migrationType;
  if (atLeast(v, 2, 80)) Object.assign(view, { user_id: m.userId, project_id: m.projectId });
  view.created_at = dbTime(m.createdAt);
  view.updated_at = dbTime(m.updatedAt);
  if (atLeast(v, 2, 23) && m.migrationType === 'live-migration' && LIVE_IN_PROGRESS.includes(m.status)) view.links = links(request, m);
  return view;
}

/** One in-progress live migration of `GET /servers/{id}/migrations[/{mid}]` (2.23+; uuid 2.59, user/project 2.80). */
export function serverMigrationView(request: FastifyRequest, m: Migration): Record<string, unknown> {
  const v = request.microversion;
  const view: Record<string, unknown> = {
    created_at: dbTime(m.createdAt),
    dest_compute: m.destCompute,
    dest_host: m.destHost ?? null,
    dest_node: destNodeOf(m),
    // The fake virt driver reports no transfer progress.
    disk_processed_bytes: null,
    disk_remaining_bytes: null,
    disk_total_bytes: null,
    id: Number(m.id),
    memory_processed_bytes: null,
    memory_remaining_bytes: null,
    memory_total_bytes: null,
    server_uuid: m.serverId,
    source_compute: m.sourceCompute,
    source_node: sourceNodeOf(m),
    status: m.status,
    updated_at: dbTime(m.updatedAt),
  };
  if (atLeast(v, 2, 59)) view.uuid = m.uuid;
  if (atLeast(v, 2, 80)) Object.assign(view, { user_id: m.userId, project_id: m.projectId });
  return view;
}
