import type { AnyKindModule } from './kind.ts';
import type { FieldChange } from './types.ts';

/**
 * The change `--replace KIND/NAME` adds to a resource the manifest does
 * not otherwise change (Terraform's `-replace`): its kind's `renewal`
 * (a server booted from an image: a rebuild from that image), else delete
 * and create. Pure.
 *
 * Rules:
 * - It MUST be told apart from the kind's own changes by its path: the
 *   executor re-diffs before it acts and adds the planned forced change
 *   back (the cloud never shows it).
 */

/** The path of a forced change; no manifest field has it. */
export const FORCED_PATH = '(--replace)';

/**
 * @example
 * forcedChange(serverKind, server) // { path: '(--replace)', from: null, to: null, apply: 'rebuild', dataLoss: true }
 * forcedChange(flavorKind, flavor) // { path: '(--replace)', from: null, to: null, apply: 'replace', dataLoss: false }
 */
export function forcedChange(module: AnyKindModule, observed: unknown): FieldChange {
  const apply = module.renewal?.(observed) ?? 'replace';
  return { path: FORCED_PATH, from: null, to: null, apply, dataLoss: apply === 'rebuild' || module.holdsData };
}

export function isForcedChange(change: Pick<FieldChange, 'path'>): boolean {
  return change.path === FORCED_PATH;
}
