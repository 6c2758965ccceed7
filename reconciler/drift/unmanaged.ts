import { OWNER_STACK_KEY, type Kind } from '../../provider/resources/types.ts';
import type { CloudSnapshot } from '../plan/read-cloud.ts';
import type { DriftResource } from './drift-model.ts';

/**
 * Pure: cloud objects of the project that NO stack owns
 * (`--include-unmanaged`).
 *
 * - Servers, volumes, aggregates: ownership is in the object, so "no
 *   stack" means no `novaform:stack` metadata. Objects of other stacks are
 *   owned, not unmanaged. Volumes being deleted are left out.
 * - Keypairs and flavors carry no metadata: they are unmanaged when no
 *   state record of any stack the caller knows (`claimed`: this project's
 *   `.novaform/state/*`) names their cloud id, and no manifest of this
 *   stack was matched to them. PUBLIC flavors are left out: they are the
 *   cloud's shared catalogue (m1.small & co., made by the cloud's
 *   operators for every project), not objects of this project. Private
 *   flavors visible to the project are reported.
 */

export interface UnmanagedInput {
  readonly snapshot: CloudSnapshot;
  /** `Kind/cloudId` owned by any stack's state record, or matched to a manifest of this stack. */
  readonly claimed: ReadonlySet<string>;
}

function entry(kind: Kind, id: string, name: string | null, what: string): DriftResource {
  return { kind, name: name || id, id, category: 'unmanaged', message: `${what}: no novaform stack owns it`, changes: [] };
}

const unowned = (metadata: Readonly<Record<string, string>>) => metadata[OWNER_STACK_KEY] === undefined;

/**
 * @example
 * findUnmanaged({ snapshot, claimed: new Set(['Keypair/ops']) }).map((r) => `${r.kind}/${r.name}`)
 * // ['Server/hand-made', 'Keypair/bob']
 */
export function findUnmanaged(input: UnmanagedInput): DriftResource[] {
  const { snapshot, claimed } = input;
  const out: DriftResource[] = [];
  for (const f of snapshot.flavors) {
    if (!f.isPublic && !claimed.has(`Flavor/${f.id}`)) out.push(entry('Flavor', f.id, f.name, `private flavor ${f.id}`));
  }
  for (const k of snapshot.keypairs) {
    if (!claimed.has(`Keypair/${k.id}`)) out.push(entry('Keypair', k.id, k.name, `keypair ${k.name}`));
  }
  for (const v of snapshot.volumes) {
    if (v.status !== 'deleting' && unowned(v.metadata)) out.push(entry('Volume', v.id, v.name, `volume ${v.id} (${v.status})`));
  }
  for (const a of snapshot.aggregates) {
    if (unowned(a.metadata)) out.push(entry('Aggregate', a.id, a.name, `aggregate ${a.id}${a.hosts.length > 0 ? ` (hosts ${a.hosts.join(', ')})` : ''}`));
  }
  for (const s of snapshot.servers) {
    if (unowned(s.metadata)) out.push(entry('Server', s.id, s.name, `server ${s.id} (${s.status})`));
  }
  return out;
}
