import type { AnyKindModule } from './kind.ts';
import type { FieldChange, Owner } from './types.ts';

/**
 * The changes that make an object carry its owner's stamp: the ownership
 * itself (an object imported, or one whose create was interrupted before
 * it was stamped) and the retain mark of its deletionPolicy. Only kinds
 * that can be stamped after create (`restamp`) get them; the executor
 * applies them with `restamp`, never with `update`. Pure.
 *
 * @example
 * stampChanges(flavorKind, flavor, { stack: 'prod', kind: 'Flavor', name: 'm1', deletionPolicy: 'Retain' })
 * // [{ path: 'spec.deletionPolicy', from: 'Delete', to: 'Retain', apply: 'update', dataLoss: false }]
 */
export function stampChanges(module: AnyKindModule, observed: unknown, owner: Owner): FieldChange[] {
  if (!module.restamp) return [];
  const stamp = module.stamp(observed);
  if (!stamp || stamp.stack !== owner.stack || stamp.name !== owner.name || stamp.imported !== (owner.imported === true)) {
    return [{ path: OWNERSHIP_PATH, from: stamp ? `${stamp.stack}/${stamp.name}` : undefined, to: `${owner.stack}/${owner.name}`, apply: 'update', dataLoss: false }];
  }
  const retain = owner.deletionPolicy === 'Retain';
  if (stamp.retain === retain) return [];
  return [{ path: RETAIN_PATH, from: stamp.retain ? 'Retain' : 'Delete', to: retain ? 'Retain' : 'Delete', apply: 'update', dataLoss: false }];
}

/** The path of a change that stamps ownership. */
export const OWNERSHIP_PATH = 'metadata.ownership';
/** The path of a change of the retain mark. */
export const RETAIN_PATH = 'spec.deletionPolicy';

/** True for the changes `stampChanges` makes. */
export function isStampChange(change: FieldChange): boolean {
  return change.path === OWNERSHIP_PATH || change.path === RETAIN_PATH;
}
