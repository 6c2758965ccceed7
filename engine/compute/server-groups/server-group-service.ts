import type { EngineContext } from '../../engine-context.ts';
import { badRequest, forbidden, notFound } from '../../http/api-error.ts';
import { atLeast, type Microversion } from '../../http/microversion.ts';
import type { AuthContext } from '../../http/request-context.ts';
import type { Server, ServerGroup } from '../compute-model.ts';
import { projectLimits } from '../quotas/quota-service.ts';

/**
 * Server groups as the rest of the engine uses them (nova/objects/
 * instance_group.py, nova/compute/api.py): lookups, membership, the API
 * view and the two quotas (`server_groups` per project, checked on create;
 * `server_group_members` per group and user, checked on each server create).
 */

/** nova/exception.py InstanceGroupNotFound. */
export const groupNotFoundMessage = (id: string) => `Instance group ${id} could not be found.`;

/**
 * The group `id` as `auth` sees it: an admin sees every project's groups,
 * anyone else only their project's (Nova's InstanceGroup query filters by
 * the context's project for non-admins, so another project's group is "not
 * found", as the real Zed cloud answers).
 */
export function visibleServerGroup(ctx: EngineContext, id: string, auth: AuthContext): ServerGroup | undefined {
  const group = ctx.store.serverGroups.get(id);
  return group && (auth.isAdmin || group.projectId === auth.projectId) ? group : undefined;
}

/** `visibleServerGroup` or 404 "Instance group X could not be found.". */
export function findServerGroup(ctx: EngineContext, id: string, auth: AuthContext): ServerGroup {
  const group = visibleServerGroup(ctx, id, auth);
  if (!group) throw notFound(groupNotFoundMessage(id));
  return group;
}

/** The scheduler hint `group` of a server create: a group the caller cannot see is 400 (servers.py maps InstanceGroupNotFound to 400). */
export function groupOfHint(ctx: EngineContext, hint: unknown, auth: AuthContext): ServerGroup | undefined {
  if (hint === undefined || hint === null || hint === '') return undefined;
  const group = visibleServerGroup(ctx, String(hint), auth);
  if (!group) throw badRequest(groupNotFoundMessage(String(hint)));
  return group;
}

/** The members that still exist (Nova's `_get_not_deleted`): a deleted server is never shown as a member. */
export function liveMembers(ctx: EngineContext, group: ServerGroup): Server[] {
  const out: Server[] = [];
  for (const id of group.members) {
    const server = ctx.store.servers.get(id);
    if (server && !server.deletedAt) out.push(server);
  }
  return out;
}

/** The group `serverId` belongs to, if any (a server is in at most one group). */
export function groupOfServer(ctx: EngineContext, serverId: string): ServerGroup | undefined {
  return ctx.store.serverGroups.find((g) => g.members.includes(serverId));
}

/**
 * One `server_group` object at `mv` (compute/server_groups.py
 * `_format_server_group`): `policies` and an always-empty `metadata`
 * before 2.64, `policy` and `rules` from 2.64; `project_id` and `user_id`
 * from 2.13.
 */
export function serverGroupView(ctx: EngineContext, group: ServerGroup, mv: Microversion): Record<string, unknown> {
  const view: Record<string, unknown> = { id: group.id, name: group.name };
  if (atLeast(mv, 2, 64)) {
    view.policy = group.policy;
    view.rules = { ...group.rules };
  } else {
    view.policies = [group.policy];
    view.metadata = {};
  }
  // Nova reads the members back from the cells' instance lists, newest first (checked on the real Zed cloud).
  view.members = liveMembers(ctx, group).sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((s) => s.id);
  if (atLeast(mv, 2, 13)) {
    view.project_id = group.projectId;
    view.user_id = group.userId;
  }
  return view;
}

/** How many server groups `projectId` owns (the `server_groups` usage). */
export function serverGroupCount(ctx: EngineContext, projectId: string): number {
  return ctx.store.serverGroups.filter((g) => g.projectId === projectId).length;
}

/** 403 "Quota exceeded, too many server groups." when one more group does not fit. */
export function assertServerGroupQuota(ctx: EngineContext, projectId: string): void {
  const limit = projectLimits(ctx, 'compute', projectId).server_groups ?? -1;
  if (limit >= 0 && serverGroupCount(ctx, projectId) + 1 > limit) throw forbidden('Quota exceeded, too many server groups.');
}

/**
 * 403 "Quota exceeded, too many servers in group" when `count` more servers
 * of `userId` do not fit in `group` (nova/quota.py counts a group's live
 * members by user against the caller's project's `server_group_members`).
 */
export function assertGroupMemberQuota(ctx: EngineContext, projectId: string, userId: string, group: ServerGroup, count: number): void {
  const limit = projectLimits(ctx, 'compute', projectId).server_group_members ?? -1;
  if (limit < 0) return;
  const used = liveMembers(ctx, group).filter((s) => s.userId === userId).length;
  if (used + count > limit) throw forbidden('Quota exceeded, too many servers in group');
}

/** Adds servers to a group (synchronously in memory; the promise persists it). */
export function addMembers(ctx: EngineContext, group: ServerGroup, serverIds: string[]): Promise<void> {
  group.members.push(...serverIds.filter((id) => !group.members.includes(id)));
  return ctx.store.serverGroups.put(group);
}

/** Takes a deleted server out of its group, if it is in one. */
export async function removeMember(ctx: EngineContext, serverId: string): Promise<void> {
  const group = groupOfServer(ctx, serverId);
  if (!group) return;
  group.members = group.members.filter((id) => id !== serverId);
  await ctx.store.serverGroups.put(group);
}
