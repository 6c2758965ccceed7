import { UnsupportedChangeError, type FieldChange } from '../types.ts';
import type { HostServer } from './compute-service-observed.ts';
import type { ComputeServiceSpec } from './compute-service-spec.ts';
import type { ComputeServiceState } from './compute-service-state.ts';

/** The statuses Nova moves a server from, per kind of move (compute/api.py's vm_state checks). */
const MOVABLE: Readonly<Record<'live' | 'cold' | 'evacuate', readonly string[]>> = {
  // A stopped server cannot be live-migrated; a live drain cold-migrates it (it is not running: nothing to keep alive).
  live: ['ACTIVE', 'PAUSED', 'SHUTOFF'],
  cold: ['ACTIVE', 'SHUTOFF'],
  evacuate: ['ACTIVE', 'SHUTOFF', 'ERROR'],
};

/** The manifest path of one server's move: `spec.drain.servers["web-1 9d1c…"]`. */
export function movePath(field: 'drain' | 'evacuate', server: Pick<HostServer, 'id' | 'name'>): string {
  return `spec.${field}.servers[${JSON.stringify(`${server.name} ${server.id}`)}]`;
}

/** The id a move path names (the last word between its quotes). */
export function serverIdOfPath(path: string): string | undefined {
  const quoted = /\.servers\[("(?:[^"\\]|\\.)*")\]$/.exec(path);
  return quoted ? (JSON.parse(quoted[1]!) as string).split(' ').pop() : undefined;
}

/** Where a moved server may go, and how: `compute-2 or compute-3 (live migration; the scheduler picks)`. */
function destinations(observed: ComputeServiceState, how: string): string {
  return `${(observed.candidates ?? []).join(' or ')} (${how}; the scheduler picks)`;
}

function moves(field: 'drain' | 'evacuate', mode: 'live' | 'cold' | 'evacuate', observed: ComputeServiceState): FieldChange[] {
  const servers = observed.servers ?? [];
  if (servers.length === 0) return [];
  if ((observed.candidates ?? []).length === 0) {
    throw new UnsupportedChangeError(`spec.${field}`, `no other compute host in zone '${observed.zone}' is enabled and up: the ${servers.length} server${servers.length === 1 ? '' : 's'} on ${observed.host} have nowhere to go`);
  }
  const stuck = servers.filter((s) => !MOVABLE[mode].includes(s.status) || (s.taskState !== null && s.taskState !== undefined));
  if (stuck.length > 0) {
    const list = stuck.map((s) => `${s.name} (${s.id}) is ${s.status}${s.taskState ? `, ${s.taskState}` : ''}`).join('; ');
    throw new UnsupportedChangeError(`spec.${field}`, `Nova cannot ${mode === 'evacuate' ? 'evacuate' : 'move'} every server of ${observed.host}: ${list}; it moves only ${MOVABLE[mode].join(', ')} servers that are not busy`);
  }
  const ordered = [...servers].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return ordered.map((s) => mode === 'evacuate'
    ? { path: movePath(field, s), from: observed.host, to: destinations(observed, 'evacuation: rebuilt from its image, what is not on a volume or shared storage is lost'), apply: 'evacuate' as const, dataLoss: true }
    : { path: movePath(field, s), from: observed.host, to: destinations(observed, mode === 'live' && s.status !== 'SHUTOFF' ? 'live migration' : 'cold migration'), apply: 'migrate' as const, dataLoss: false });
}

/**
 * Pure: what a ComputeService manifest changes, in the order `update`
 * applies it:
 * 1. `spec.forcedDown` (update);
 * 2. with `evacuate`, one `evacuate` change per server still on the host
 *    (dataLoss: rebuilt from its image elsewhere);
 * 3. with `enabled: false` and a drain, one `migrate` change per server on
 *    the host, naming where the scheduler may put it;
 * 4. `spec.enabled` and `spec.disabledReason` (update).
 * A reason the manifest does not give is left as it is.
 *
 * @throws UnsupportedChangeError when servers must move and cannot: no
 * other enabled host is up in the zone, or a server is in a state Nova does
 * not move (ERROR, a task under way).
 */
export function diffComputeService(desired: ComputeServiceSpec, observed: ComputeServiceState): FieldChange[] {
  const changes: FieldChange[] = [];
  if (desired.forcedDown !== observed.forcedDown) changes.push({ path: 'spec.forcedDown', from: observed.forcedDown, to: desired.forcedDown, apply: 'update', dataLoss: false });
  if (desired.evacuate && desired.forcedDown) changes.push(...moves('evacuate', 'evacuate', observed));
  if (!desired.enabled && desired.drain !== 'none') changes.push(...moves('drain', desired.drain, observed));
  if (desired.enabled !== observed.enabled) changes.push({ path: 'spec.enabled', from: observed.enabled, to: desired.enabled, apply: 'update', dataLoss: false });
  if (!desired.enabled && desired.disabledReason !== undefined && desired.disabledReason !== observed.disabledReason) {
    changes.push({ path: 'spec.disabledReason', from: observed.disabledReason ?? undefined, to: desired.disabledReason, apply: 'update', dataLoss: false });
  }
  return changes;
}
