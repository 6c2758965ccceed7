import type { ServerGroupPolicy } from '../compute/compute-model.ts';
import { groupOfServer, liveMembers } from '../compute/server-groups/server-group-service.ts';
import type { EngineContext } from '../engine-context.ts';
import type { HostState } from './host-filters.ts';

/**
 * The server-group part of scheduling (nova/scheduler/filters/
 * affinity_filter.py, nova/scheduler/weights/affinity.py), for the server
 * being placed:
 * - ServerGroupAffinityFilter (`affinity`): once any member has a host,
 *   only the members' hosts pass;
 * - ServerGroupAntiAffinityFilter (`anti-affinity`): a host passes while it
 *   runs fewer than `max_server_per_host` (default 1) members; the server's
 *   own host (a move's source) always passes;
 * - the soft policies never filter: `soft-affinity` prefers the host with
 *   the most members, `soft-anti-affinity` the one with the fewest.
 * Members are the group's live servers, the one being placed included (its
 * host is the source of a move), as Nova's `group.get_hosts()` counts them.
 */
export interface GroupPlacement {
  policy: ServerGroupPolicy;
  maxServerPerHost: number;
  /** The placed server's current host (a move's source), if any. */
  ownHost: string | null;
  /** Members per host. */
  membersOnHost: Map<string, number>;
}

/** The group constraint for placing `serverId`, or undefined when it is in no group. */
export function groupPlacementOf(ctx: EngineContext, serverId: string | undefined): GroupPlacement | undefined {
  if (!serverId) return undefined;
  const group = groupOfServer(ctx, serverId);
  if (!group) return undefined;
  const membersOnHost = new Map<string, number>();
  for (const member of liveMembers(ctx, group)) {
    if (member.host) membersOnHost.set(member.host, (membersOnHost.get(member.host) ?? 0) + 1);
  }
  return {
    policy: group.policy,
    maxServerPerHost: group.rules.max_server_per_host ?? 1,
    ownHost: ctx.store.servers.get(serverId)?.host ?? null,
    membersOnHost,
  };
}

/** ServerGroupAffinityFilter. */
export function serverGroupAffinityFilter(group: GroupPlacement | undefined, state: HostState): boolean {
  if (group?.policy !== 'affinity' || group.membersOnHost.size === 0) return true;
  return group.membersOnHost.has(state.host.id);
}

/** ServerGroupAntiAffinityFilter. */
export function serverGroupAntiAffinityFilter(group: GroupPlacement | undefined, state: HostState): boolean {
  if (group?.policy !== 'anti-affinity') return true;
  if (group.ownHost === state.host.id) return true;
  return (group.membersOnHost.get(state.host.id) ?? 0) < group.maxServerPerHost;
}

/**
 * The soft-affinity weighers' preference, higher first: members on the host
 * for `soft-affinity`, minus that for `soft-anti-affinity`, 0 otherwise.
 */
export function softAffinityWeight(group: GroupPlacement | undefined, state: HostState): number {
  const members = group?.membersOnHost.get(state.host.id) ?? 0;
  if (group?.policy === 'soft-affinity') return members;
  if (group?.policy === 'soft-anti-affinity') return -members;
  return 0;
}
