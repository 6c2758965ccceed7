import type { CloudObject } from '../../provider/resources/kind.ts';
import { KIND_MODULES } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import type { CloudSnapshot } from '../plan/read-cloud.ts';

/**
 * Pure: which objects of a live project `novaform import` takes in, and
 * why it leaves each other one out. Generic: every rule is a kind module's
 * answer (its ownership stamp, `reportUnmanaged`, `unusable`).
 *
 * Rules:
 * - An object another stack owns (it carries novaform's stamp) MUST NOT be
 *   imported: two stacks would manage it. It is listed with its stack.
 * - The cloud's shared catalogue (`reportUnmanaged` false: a public
 *   flavor) is not imported: manifests refer to it by name, as to an image.
 *   It is counted, not listed one by one.
 * - An object that cannot be used (a volume being deleted) is listed with
 *   the module's reason.
 * - Two objects of one kind with one name cannot both be manifests (a
 *   manifest's name is unique per kind): both are listed, with a hint.
 * - `kinds` and `name` narrow what is imported; what they leave out is
 *   neither imported nor listed.
 */

export interface ImportFilters {
  /** Only these kinds (all when absent or empty). */
  readonly kinds?: readonly Kind[];
  /** Only objects whose name matches. */
  readonly name?: RegExp;
}

/** An object left out, and why. */
export interface LeftOut {
  readonly kind: Kind;
  readonly id: string;
  readonly name: string | null;
  readonly reason: string;
}

export interface ImportSelection {
  /** The objects to describe, per kind, in registry order; sorted by name then id. */
  readonly chosen: ReadonlyMap<Kind, readonly CloudObject[]>;
  readonly leftOut: readonly LeftOut[];
  /** Objects of the shared catalogue, per kind (public flavors): referred to by name, not imported. */
  readonly shared: ReadonlyMap<Kind, number>;
}

/** An object's cloud name, or null when it has none. */
export const nameOf = (o: CloudObject | undefined): string | null => (typeof o?.name === 'string' ? o.name : null);
const byNameThenId = (a: CloudObject, b: CloudObject) => (nameOf(a) ?? '').localeCompare(nameOf(b) ?? '') || a.id.localeCompare(b.id);

/**
 * @example
 * const { chosen, leftOut } = selectImports(await readCloud(clients), { kinds: ['Server'], name: /^web-/ });
 */
export function selectImports(snapshot: CloudSnapshot, filters: ImportFilters = {}): ImportSelection {
  const chosen = new Map<Kind, CloudObject[]>();
  const leftOut: LeftOut[] = [];
  const shared = new Map<Kind, number>();
  for (const module of KIND_MODULES) {
    if (filters.kinds && filters.kinds.length > 0 && !filters.kinds.includes(module.kind)) continue;
    const kept: CloudObject[] = [];
    for (const observed of snapshot.objects.get(module.kind) ?? []) {
      const name = nameOf(observed);
      if (filters.name && !filters.name.test(name ?? '')) continue;
      const out = (reason: string) => leftOut.push({ kind: module.kind, id: observed.id, name, reason });
      const stamp = module.stamp(observed);
      if (stamp) { out(`novaform stack '${stamp.stack}' manages it (as ${module.kind} ${stamp.name})`); continue; }
      if (module.reportUnmanaged && !module.reportUnmanaged(observed)) { shared.set(module.kind, (shared.get(module.kind) ?? 0) + 1); continue; }
      const unusable = module.unusable?.(observed);
      if (unusable) { out(`it ${unusable}`); continue; }
      kept.push(observed);
    }
    const count = new Map<string, number>();
    for (const o of kept) if (nameOf(o) !== null) count.set(nameOf(o)!, (count.get(nameOf(o)!) ?? 0) + 1);
    const unique: CloudObject[] = [];
    for (const o of kept.sort(byNameThenId)) {
      // An unnamed object is the kind module's to refuse (its toManifest says why).
      const n = nameOf(o) === null ? 1 : count.get(nameOf(o)!)!;
      if (n > 1) {
        leftOut.push({ kind: module.kind, id: o.id, name: nameOf(o), reason: `${n} ${module.noun}s are named ${JSON.stringify(nameOf(o) ?? '')}, and a manifest's name is unique per kind: rename all but one in the cloud, then import again` });
      } else {
        unique.push(o);
      }
    }
    if (unique.length > 0) chosen.set(module.kind, unique);
  }
  return { chosen, leftOut, shared };
}
