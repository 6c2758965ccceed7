import type { Readiness } from '../types.ts';
import { runsOnFlavor, type ServerObserved } from './server-observed.ts';
import type { ServerOnError, ServerPowerState, ServerSpec } from './server-spec.ts';

/**
 * Where a server stands, as pure functions of what the cloud shows
 * (NOVA-FACTS.md §4): the handler's `readiness`, the stricter checks the
 * actions wait with, and the ERROR policy the reconciler applies.
 */

/** Statuses a server passes through on its way to a settled one: poll again. */
const TRANSITIONAL: Readonly<Record<string, number>> = {
  BUILD: 1000,
  REBUILD: 1000,
  RESIZE: 1000,
  REVERT_RESIZE: 1000,
  MIGRATING: 1000,
  REBOOT: 500,
  HARD_REBOOT: 500,
  PASSWORD: 500,
};

/** Settled statuses novaform does not drive (an operator paused, shelved, ... the server). */
const FOREIGN_STABLE = new Set(['PAUSED', 'SUSPENDED', 'SHELVED', 'SHELVED_OFFLOADED', 'RESCUE', 'SOFT_DELETED', 'DELETED', 'UNKNOWN']);

function pending(reason: string, retryAfterMs: number): Readiness {
  return { state: 'pending', retryAfterMs, reason };
}

/** The cloud's own words for a server in ERROR. */
export function faultReason(observed: ServerObserved): string {
  const message = observed.fault?.message?.trim();
  return message ? message : `server ${observed.id} is in ERROR (the cloud gave no fault message)`;
}

/**
 * The handler's readiness:
 * - ACTIVE or SHUTOFF without a task: ready (whether that matches the
 *   desired power state is a diff, `spec.powerState`);
 * - BUILD, REBUILD, RESIZE, REBOOT, MIGRATING, ... or any task under way
 *   (`powering-off` keeps the status ACTIVE): pending;
 * - VERIFY_RESIZE: pending until confirmed (the update confirms it);
 * - ERROR: failed with the fault message;
 * - PAUSED, SUSPENDED, SHELVED, RESCUE, ...: failed, since novaform manages
 *   only running/stopped and will not undo an operator's action.
 */
export function serverReadiness(observed: ServerObserved): Readiness {
  const { status, taskState } = observed;
  if (status === 'ERROR') return { state: 'failed', reason: faultReason(observed) };
  if (status === 'VERIFY_RESIZE') return pending('resized, waiting for confirmResize', 5000);
  const transitional = TRANSITIONAL[status];
  if (transitional !== undefined) return pending(`status ${status}${taskState ? `, task ${taskState}` : ''}`, transitional);
  if (status === 'ACTIVE' || status === 'SHUTOFF') {
    return taskState ? pending(`status ${status}, task ${taskState}`, 500) : { state: 'ready' };
  }
  if (FOREIGN_STABLE.has(status)) {
    return { state: 'failed', reason: `server ${observed.id} is ${status}; novaform manages only running and stopped servers` };
  }
  return pending(`status ${status}`, 1000);
}

/** The status a settled server has in the given power state. */
export function statusFor(power: ServerPowerState): 'ACTIVE' | 'SHUTOFF' {
  return power === 'running' ? 'ACTIVE' : 'SHUTOFF';
}

/** The power state a settled server is in; undefined while it is anything but ACTIVE/SHUTOFF without a task. */
export function observedPowerState(observed: ServerObserved): ServerPowerState | undefined {
  if (observed.taskState) return undefined;
  if (observed.status === 'ACTIVE') return 'running';
  if (observed.status === 'SHUTOFF') return 'stopped';
  return undefined;
}

/**
 * Readiness for "settled in `power`": a server that is ready but in the
 * other power state is still pending (a stop not yet picked up). Used after
 * os-start/os-stop, rebuild and confirmResize.
 */
export function readinessIn(power: ServerPowerState): (observed: ServerObserved) => Readiness {
  return (observed) => {
    const base = serverReadiness(observed);
    if (base.state !== 'ready') return base;
    return observedPowerState(observed) === power ? base : pending(`status ${observed.status}, waiting for ${statusFor(power)}`, 500);
  };
}

/**
 * Readiness after a create: settled either way. A build that ends in
 * ERROR is returned to the reconciler (which applies `errorDecision`), not
 * thrown, so the server's id is never lost.
 */
export function settledReadiness(observed: ServerObserved): Readiness {
  const base = serverReadiness(observed);
  return base.state === 'failed' ? { state: 'ready' } : base;
}

/**
 * What the reconciler does with a server whose readiness is `failed`.
 * MUST be called with the normalized spec. Pure.
 * - ERROR: the manifest's `onError` (default `fail`: report the fault and
 *   stop; `recreate`: delete and create again, losing the server's disk;
 *   `keep`: leave it and carry on with the rest of the stack);
 * - any other failed state (PAUSED, SHELVED, ...): `fail`, never
 *   `recreate`: an operator put it there on purpose;
 * - a server that has not failed: `keep` (nothing to decide).
 *
 * @example
 * if (serverHandler.readiness(observed).state === 'failed') {
 *   switch (errorDecision(spec, observed)) { case 'recreate': ...; case 'keep': ...; case 'fail': throw ...; }
 * }
 */
export function errorDecision(spec: Pick<ServerSpec, 'onError'>, observed: ServerObserved): ServerOnError {
  if (serverReadiness(observed).state !== 'failed') return 'keep';
  if (observed.status !== 'ERROR') return 'fail';
  return spec.onError ?? 'fail';
}

/**
 * Readiness after a resize request: VERIFY_RESIZE is what the resize waits
 * for. A server back in ACTIVE/SHUTOFF without a task either was confirmed
 * automatically (`resize_confirm_window`; it then runs on `flavor`) or the
 * resize failed before it moved (no host had room: Nova answers 202 and
 * puts the server back as it was, with the migration in `error`).
 */
export function resizedReadiness(flavor: { id: string; name: string }): (observed: ServerObserved) => Readiness {
  return (observed) => {
    if (observed.status === 'VERIFY_RESIZE') return { state: 'ready' };
    const base = serverReadiness(observed);
    if (base.state !== 'ready') return base;
    if (runsOnFlavor(observed, flavor)) return base;
    return {
      state: 'failed',
      reason: `the resize to flavor ${flavor.name} did not happen: the server is ${observed.status} on flavor ` +
        `${observed.flavor.name ?? observed.flavor.id ?? '?'} (no host with room for the new flavor? see the server's instance actions)`,
    };
  };
}
