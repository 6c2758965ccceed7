import type { CloudObject } from '../../provider/resources/kind.ts';
import { indexObjects, matchDeclared as matchObjects, type ImportRequest, type Match, type PendingCreate } from '../../provider/resources/match.ts';
import { kindModule } from '../../provider/resources/registry.ts';
import type { Kind, OwnershipStamp } from '../../provider/resources/types.ts';
import type { ResourceRecord } from '../state/state-model.ts';
import { objectsOf, type CloudSnapshot } from './read-cloud.ts';

/**
 * The planner's side of matching (provider/resources/match.ts): on the
 * plan's snapshot, so planning costs no request per object.
 */

export type { ImportRequest, Match, PendingCreate };

export interface DeclaredMatchInput {
  readonly snapshot: CloudSnapshot;
  readonly stack: string;
  readonly kind: Kind;
  readonly name: string;
  readonly record?: ResourceRecord;
  /** The manifest's spec: its `import`, or the object a configuring kind's manifest names. */
  readonly spec?: object;
  readonly pendingCreate?: PendingCreate;
  readonly now: number;
  readonly graceMs: number;
}

/**
 * The cloud object manifest `kind/name` of `stack` refers to, if any.
 *
 * @example
 * matchDeclared({ snapshot, stack: 'prod', kind: 'Server', name: 'web-1', record, now: Date.now(), graceMs: 120_000 })
 * // { ok: true, observed: { id: 'c0ffee…', … }, warnings: [] }
 */
export function matchDeclared(input: DeclaredMatchInput): Match {
  const { snapshot, kind, record, spec, ...rest } = input;
  const module = kindModule(kind);
  const request = (spec as { import?: ImportRequest } | undefined)?.import;
  return matchObjects({
    ...rest, module, objects: objectsOf(snapshot, kind), ...(record ? { recordedId: record.cloudId } : {}),
    ...(request ? { import: request } : {}),
    ...(spec && module.configures ? { target: module.configures.target(input.name, spec) } : {}),
  });
}

/** The ownership stamp of a cloud object of `kind`, if it carries one. */
export function stampOfObject(kind: Kind, object: CloudObject): OwnershipStamp | undefined {
  return kindModule(kind).stamp(object);
}

/** A cloud object the stack owns, found by its stamp. */
export interface OwnedObject {
  readonly kind: Kind;
  readonly name: string;
  readonly observed: CloudObject;
  readonly stamp: OwnershipStamp;
}

/**
 * Every usable object of the snapshot stamped as `stack`'s, in plan order.
 *
 * @example
 * ownedInCloud(snapshot, 'prod').map((o) => `${o.kind}/${o.name}`) // ['Flavor/m1', 'Server/web-1']
 */
export function ownedInCloud(snapshot: CloudSnapshot, stack: string): OwnedObject[] {
  const out: OwnedObject[] = [];
  for (const kind of snapshot.objects.keys()) {
    const { byStamp } = indexObjects(kindModule(kind), objectsOf(snapshot, kind));
    for (const [key, objects] of byStamp) {
      if (!key.startsWith(`${stack}/`)) continue;
      for (const observed of objects) {
        const stamp = stampOfObject(kind, observed)!;
        if (stamp.stack === stack) out.push({ kind, name: stamp.name, observed, stamp });
      }
    }
  }
  return out;
}

/** The object with this cloud id, if the listing has it (keypairs: the id is the name). */
export function findById(snapshot: CloudSnapshot, kind: Kind, id: string): CloudObject | undefined {
  return indexObjects(kindModule(kind), objectsOf(snapshot, kind)).byId.get(id);
}
