import type { VmState } from '../../compute-model.ts';

/** nova/compute/power_state.py: what `OS-EXT-STS:power_state` shows. */
export const POWER_STATE = {
  NOSTATE: 0,
  RUNNING: 1,
  PAUSED: 3,
  SHUTDOWN: 4,
  CRASHED: 6,
  SUSPENDED: 7,
} as const;

/** The power state a settled server has in `vmState` (what the fake virt driver would report). */
export function powerStateFor(vmState: VmState): number {
  switch (vmState) {
    case 'active':
    case 'rescued':
      return POWER_STATE.RUNNING;
    case 'paused':
      return POWER_STATE.PAUSED;
    case 'suspended':
      return POWER_STATE.SUSPENDED;
    case 'stopped':
    case 'shelved':
      return POWER_STATE.SHUTDOWN;
    default:
      return POWER_STATE.NOSTATE;
  }
}
