import type { Server } from '../compute-model.ts';

/**
 * Nova's API status from (vm_state, task_state): nova/api/openstack/common.py
 * `_STATE_MAP`. A task state not listed for a vm_state falls back to that
 * vm_state's default (e.g. ACTIVE + powering-off is still ACTIVE).
 */
export const STATE_MAP: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  active: {
    default: 'ACTIVE',
    rebooting: 'REBOOT', reboot_pending: 'REBOOT', reboot_started: 'REBOOT',
    rebooting_hard: 'HARD_REBOOT', reboot_pending_hard: 'HARD_REBOOT', reboot_started_hard: 'HARD_REBOOT',
    updating_password: 'PASSWORD',
    rebuilding: 'REBUILD', rebuild_block_device_mapping: 'REBUILD', rebuild_spawning: 'REBUILD',
    migrating: 'MIGRATING',
    resize_prep: 'RESIZE', resize_migrating: 'RESIZE', resize_migrated: 'RESIZE', resize_finish: 'RESIZE',
  },
  building: { default: 'BUILD' },
  stopped: {
    default: 'SHUTOFF',
    resize_prep: 'RESIZE', resize_migrating: 'RESIZE', resize_migrated: 'RESIZE', resize_finish: 'RESIZE',
    rebuilding: 'REBUILD', rebuild_block_device_mapping: 'REBUILD', rebuild_spawning: 'REBUILD',
  },
  resized: { default: 'VERIFY_RESIZE', resize_reverting: 'REVERT_RESIZE' },
  paused: { default: 'PAUSED', migrating: 'MIGRATING' },
  suspended: { default: 'SUSPENDED' },
  rescued: { default: 'RESCUE' },
  error: { default: 'ERROR', rebuilding: 'REBUILD', rebuild_block_device_mapping: 'REBUILD', rebuild_spawning: 'REBUILD' },
  deleted: { default: 'DELETED' },
  soft_deleted: { default: 'SOFT_DELETED' },
  shelved: { default: 'SHELVED' },
  shelved_offloaded: { default: 'SHELVED_OFFLOADED' },
};

/** Nova `status_from_state`; UNKNOWN for a vm_state outside the map. */
export function statusFromState(vmState: string, taskState: string | null): string {
  const taskMap = STATE_MAP[vmState];
  if (!taskMap) return 'UNKNOWN';
  return (taskState !== null && taskMap[taskState]) || taskMap.default!;
}

/** The API status of a server (a tombstone is DELETED whatever it carried). */
export function serverStatus(server: Server): string {
  if (server.deletedAt) return 'DELETED';
  return statusFromState(server.vmState, server.taskState);
}

/**
 * Nova `task_and_vm_state_from_status`: the vm_states and task_states
 * (`'default'` standing for "any task state") whose status is one of
 * `statuses`, compared case-insensitively. Both empty means no status matched.
 */
export function statesForStatuses(statuses: string[]): { vmStates: Set<string>; taskStates: Set<string> } {
  const wanted = new Set(statuses.map((s) => s.toLowerCase()));
  const vmStates = new Set<string>();
  const taskStates = new Set<string>();
  for (const [vmState, taskMap] of Object.entries(STATE_MAP)) {
    for (const [taskState, status] of Object.entries(taskMap)) {
      if (!wanted.has(status.toLowerCase())) continue;
      vmStates.add(vmState);
      taskStates.add(taskState);
    }
  }
  return { vmStates, taskStates };
}

/** Statuses whose view carries `progress` (views/servers.py `_progress_statuses`). */
export const PROGRESS_STATUSES: ReadonlySet<string> = new Set(['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING']);

/** Statuses whose view carries `fault` (views/servers.py `_fault_statuses`). */
export const FAULT_STATUSES: ReadonlySet<string> = new Set(['ERROR', 'DELETED']);
