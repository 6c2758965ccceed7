import type { CloudObject } from '../../provider/resources/kind.ts';
import { kindModule } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import { objectsOf, type CloudSnapshot } from '../plan/read-cloud.ts';
import type { DriftResource } from './drift-model.ts';

/**
 * Pure: cloud objects of the project that NO stack owns
 * (`--include-unmanaged`), for every kind of the registry alike. An object
 * is owned, and left out, when:
 *
 * - it carries any stack's ownership stamp in the cloud (the module's
 *   `stamp`): this holds with or without a state store, so a fresh
 *   checkout never reports the stack's own objects; or
 * - it is `claimed`: matched to a manifest of this stack (an import), or
 *   named by a state record of a stack the caller knows (this project's
 *   `.novaform/state/*`), which is the only evidence for a kind that
 *   cannot carry a stamp (an x509 keypair).
 *
 * Also left out: objects the module calls unusable (a volume being
 * deleted), and those its optional `reportUnmanaged` declines (a public
 * flavor is the cloud's shared catalogue, not the project's).
 */

export interface UnmanagedInput {
  readonly snapshot: CloudSnapshot;
  /** `Kind/cloudId` owned by any stack's state record, or matched to a manifest of this stack. */
  readonly claimed: ReadonlySet<string>;
}

function describe(kind: Kind, object: CloudObject): string {
  const status = typeof object.status === 'string' && object.status !== '' ? ` (${object.status})` : '';
  return `${kindModule(kind).noun} ${object.id}${status}`;
}

/**
 * @example
 * findUnmanaged({ snapshot, claimed: new Set(['Keypair/ops']) }).map((r) => `${r.kind}/${r.name}`)
 * // ['Keypair/bob', 'Server/hand-made']
 */
export function findUnmanaged(input: UnmanagedInput): DriftResource[] {
  const { snapshot, claimed } = input;
  const out: DriftResource[] = [];
  for (const kind of snapshot.objects.keys()) {
    const module = kindModule(kind);
    for (const object of objectsOf(snapshot, kind)) {
      if (claimed.has(`${kind}/${object.id}`) || module.unusable?.(object) !== undefined) continue;
      if (module.stamp(object) !== undefined || module.reportUnmanaged?.(object) === false) continue;
      const name = typeof object.name === 'string' && object.name !== '' ? object.name : object.id;
      out.push({ kind, name, id: object.id, category: 'unmanaged', message: `${describe(kind, object)}: no novaform stack owns it`, changes: [] });
    }
  }
  return out;
}
