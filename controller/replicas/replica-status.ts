import type { ControllerStatus, ReplicaStatus } from '../controller-model.ts';

/**
 * The `/status` document of a replica: a valid ControllerStatus (the status
 * page and `novaform status` read it as they read a one-stack controller's)
 * whose `replica` says which stacks it holds and whose `stacks` carries each
 * held stack's own status. Its own `resources` is empty (two stacks may have
 * resources of one name); each stack's own status is also served on
 * `/stacks/STACK/status`, the URL its stored status names.
 *
 * @example
 * replicaStatus({ replica, stacks: [web.status()], now: new Date(), startedAt, settings })
 * // { version: 1, stack: 'replica 3f2a...', replica: { holds: ['web'], ... }, stacks: [...], resources: [] }
 */
export function replicaStatus(input: {
  replica: ReplicaStatus;
  stacks: readonly ControllerStatus[];
  now: Date;
  startedAt: string;
  url?: string;
  settings: Pick<ControllerStatus, 'dryRun' | 'prune' | 'autoApprove' | 'source'>;
}): ControllerStatus {
  const { replica, stacks } = input;
  const invalid = stacks.filter((s) => !s.manifests.valid);
  const passes = stacks.map((s) => s.lastPass).filter((p) => p !== undefined).sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
  const lastValid = stacks.map((s) => s.manifests.lastValidTime).filter((t) => t !== undefined).sort();
  return {
    version: 1,
    stack: `replica ${replica.id}`,
    cloud: stacks[0]?.cloud ?? '',
    pid: replica.pid,
    hostname: replica.hostname,
    startedAt: input.startedAt,
    updatedAt: input.now.toISOString(),
    ...(input.url ? { url: input.url } : {}),
    leader: replica.holds.length > 0,
    suspended: stacks.length > 0 && stacks.every((s) => s.suspended),
    ...input.settings,
    manifests: {
      valid: invalid.length === 0,
      errors: invalid.flatMap((s) => s.manifests.errors.map((e) => `${s.stack}: ${e}`)),
      documents: stacks.reduce((sum, s) => sum + s.manifests.documents, 0),
      ...(lastValid.length > 0 ? { lastValidTime: lastValid[lastValid.length - 1]! } : {}),
    },
    ...(passes[0] ? { lastPass: passes[0] } : {}),
    resources: [],
    replica,
    stacks,
  };
}
