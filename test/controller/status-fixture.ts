import type { Condition, ControllerStatus, ResourcePhase, ResourceStatus } from '../../controller/controller-model.ts';
import type { Kind } from '../../provider/resources/types.ts';

/**
 * Controller status documents for tests of the store and of the commands
 * that read it, shaped exactly like controller-model.ts (the type checker
 * holds them to it).
 */

export const T0 = '2026-01-01T10:00:00.000Z';

function conditions(phase: ResourcePhase, message: string): Condition[] {
  const at = T0;
  if (phase === 'Ready') return [{ type: 'Ready', status: 'True', reason: 'InSync', message, lastTransitionTime: at }];
  if (phase === 'Stalled') {
    return [
      { type: 'Ready', status: 'False', reason: 'TerminalError', message, lastTransitionTime: at },
      { type: 'Stalled', status: 'True', reason: 'TerminalError', message, lastTransitionTime: at },
    ];
  }
  return [
    { type: 'Ready', status: 'False', reason: phase, message, lastTransitionTime: at },
    { type: 'Reconciling', status: 'True', reason: phase, message, lastTransitionTime: at },
  ];
}

/** One resource's status; `extra` overrides any field. */
export function resource(kind: Kind, name: string, phase: ResourcePhase, extra: Partial<ResourceStatus> = {}): ResourceStatus {
  const message = extra.lastError?.message ?? (phase === 'Ready' ? 'in sync' : `${phase.toLowerCase()}`);
  return {
    key: `${kind}/${name}`, kind, name, phase, conditions: conditions(phase, message), changes: [], dependsOn: [],
    managementPolicy: 'manage', paused: false, failures: 0, lastSyncTime: T0, observedManifestDigest: `sha256:${'0'.repeat(64)}`,
    ...extra,
  };
}

/** A server waiting for approval of a resize m1.small -> m1.large. */
export function resizeWaiting(name = 'web-1'): ResourceStatus {
  const changes = [{ path: 'spec.flavor', from: 'm1.small', to: 'm1.large' }];
  return resource('Server', name, 'ApprovalNeeded', {
    action: 'resize', changes, dependsOn: ['Flavor/m1.large'],
    approval: { action: 'resize', reasons: ['resize'], changes, fingerprint: `sha256:${'a'.repeat(64)}`, since: T0 },
  });
}

/** A status document of stack `stack`; `extra` overrides any field. */
export function statusDoc(stack: string, resources: ResourceStatus[], extra: Partial<ControllerStatus> = {}): ControllerStatus {
  return {
    version: 1, stack, cloud: 'embedded', pid: 999_999, hostname: 'elsewhere.example', startedAt: T0, updatedAt: T0,
    leader: true, suspended: false, dryRun: false, prune: true, autoApprove: [],
    source: { type: 'paths', paths: ['infra'] },
    manifests: { valid: true, errors: [], lastValidTime: T0, documents: resources.length },
    lastPass: { trigger: 'resync', startedAt: T0, finishedAt: T0, durationMs: 1200, changed: 0, failed: 0 },
    resources,
    ...extra,
  };
}
