import { createHash } from 'node:crypto';
import type { PlannedResource } from '../reconciler/plan/plan-model.ts';
import type { StatusChange } from './controller-model.ts';

/**
 * What the controller may do unattended (issue 10, "Approval for unattended
 * changes"). Only changes that lose nothing and disturb nothing run on
 * their own: a create, an import, an in-place update, an extend, an attach,
 * a power on (a compute service disabled or enabled). Everything else waits for `novaform approve` unless
 * `--auto-approve` names its reason.
 */

/** Why a change waits; also the words `--auto-approve` takes. */
export const APPROVAL_REASONS = ['resize', 'rebuild', 'replace', 'delete', 'data-loss', 'detach', 'power-off', 'migrate', 'evacuate'] as const;
export type ApprovalReason = typeof APPROVAL_REASONS[number];

/**
 * The reasons `planned` cannot run unattended; empty when it may. Pure.
 *
 * @example
 * approvalReasons({ action: 'resize', dataLoss: false, changes: [{ path: 'spec.flavor', apply: 'resize', ... }], ... }) // ['resize']
 * approvalReasons({ action: 'update', dataLoss: false, changes: [{ path: 'spec.size', apply: 'extend', ... }], ... }) // []
 */
export function approvalReasons(planned: Pick<PlannedResource, 'action' | 'dataLoss' | 'changes'>): ApprovalReason[] {
  const reasons = new Set<ApprovalReason>();
  if (planned.action === 'resize' || planned.action === 'rebuild' || planned.action === 'replace' || planned.action === 'delete') reasons.add(planned.action);
  if (planned.dataLoss) reasons.add('data-loss');
  for (const change of planned.changes) {
    if (change.dataLoss) reasons.add('data-loss');
    if (change.apply === 'resize' || change.apply === 'rebuild' || change.apply === 'replace') reasons.add(change.apply);
    if (change.apply === 'detach') reasons.add('detach');
    // Moving servers off a host (a drain, an evacuation) disturbs them: a person starts it.
    if (change.apply === 'migrate' || change.apply === 'evacuate') reasons.add(change.apply);
    // The plan's power vocabulary: `running` starts a server; anything else stops, pauses or shelves it.
    if (change.apply === 'power' && change.to !== 'running') reasons.add('power-off');
  }
  return APPROVAL_REASONS.filter((reason) => reasons.has(reason));
}

/**
 * Parses `--auto-approve resize,delete` (or `all`) into the reasons it allows.
 *
 * @throws RangeError naming the unknown word and the known ones.
 */
export function parseAutoApprove(text: string | undefined): ApprovalReason[] {
  if (text === undefined || text.trim() === '') return [];
  const words = text.split(',').map((w) => w.trim()).filter((w) => w !== '');
  if (words.includes('all')) return [...APPROVAL_REASONS];
  const unknown = words.filter((w) => !(APPROVAL_REASONS as readonly string[]).includes(w));
  if (unknown.length > 0) throw new RangeError(`--auto-approve: unknown ${unknown.map((w) => `'${w}'`).join(', ')}: expected a comma-separated list of ${APPROVAL_REASONS.join(', ')}, or all`);
  return APPROVAL_REASONS.filter((reason) => words.includes(reason));
}

/** The reasons that still need a person once `autoApproved` is taken into account. */
export function reasonsNeedingApproval(reasons: readonly ApprovalReason[], autoApproved: readonly ApprovalReason[]): ApprovalReason[] {
  return reasons.filter((reason) => !autoApproved.includes(reason));
}

/**
 * Identifies exactly one change: its action, its changes and the manifest
 * it came from. An approval is for this fingerprint only, so an edit (or a
 * different drift) after `approve` needs a new one.
 */
export function changeFingerprint(action: string, changes: readonly StatusChange[], manifestDigest: string | undefined): string {
  const canonical = JSON.stringify({ action, manifestDigest: manifestDigest ?? null, changes: changes.map((c) => [c.path, c.from ?? null, c.to ?? null]) });
  return `sha256:${createHash('sha256').update(canonical).digest('hex').slice(0, 32)}`;
}
