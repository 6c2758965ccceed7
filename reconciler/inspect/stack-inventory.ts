import type { CloudObject } from '../../provider/resources/kind.ts';
import { kindModule } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import type { DriftReport } from '../drift/drift-model.ts';
import type { Manifest } from '../manifests/manifest-types.ts';
import { findById, matchDeclared, ownedInCloud, type ImportRequest } from '../plan/match-observed.ts';
import { sortKeys } from '../plan/plan-edges.ts';
import { readStackCloud } from '../plan/plan-stack.ts';
import type { StackSession } from '../session/stack-session.ts';

/**
 * What `novaform get` and `novaform outputs` show: every resource of a
 * stack (declared by a manifest, recorded in state, or stamped as the
 * stack's in the cloud) with its cloud id, the cloud's status, when it was
 * last applied, its drift, and what other tools need from it (addresses,
 * attachments). Reads only: the session's drift, plus the same listing a
 * plan reads. Generic over kinds: a kind's status is its object's own
 * `status` field where it has one, else its module's readiness.
 */

/** How a resource compares with its manifest, in one word. */
export type InventoryDrift =
  | 'in sync' | 'drifted' | 'missing' | 'unhealthy'
  /** Declared, never applied: apply creates it. */
  | 'not applied'
  /** Owned, no manifest declares it any more: apply deletes it (or forgets it, Retain). */
  | 'undeclared'
  /** No manifests were given: nothing to compare with. */
  | 'unknown';

export interface InventoryEntry {
  readonly kind: Kind;
  readonly name: string;
  /** The cloud id, or null when nothing is in the cloud (and no record names one). */
  readonly id: string | null;
  /** The cloud's own status (`ACTIVE`, `available`), `present` for kinds without one, `absent` when not found. */
  readonly status: string;
  /** When the state last recorded an apply of it (ISO 8601), or null. */
  readonly lastApplied: string | null;
  readonly deletionPolicy: 'Delete' | 'Retain' | null;
  readonly drift: InventoryDrift;
  /** The drift report's one line, when it has one for this resource. */
  readonly message?: string;
  /** What another tool needs from the object: network addresses, attachments. Empty when not in the cloud. */
  readonly outputs: InventoryOutputs;
}

export interface InventoryOutputs {
  /** Network name -> addresses (servers). */
  readonly addresses?: Readonly<Record<string, readonly string[]>>;
  /** The objects attached to it (a server's volumes), by manifest name where the stack declares them, else id. */
  readonly attached?: readonly string[];
  /** What it is attached to (a volume's servers), by manifest name where known, else id. */
  readonly attachedTo?: readonly string[];
}

export interface Inventory {
  readonly stack: string;
  readonly cloud: string;
  readonly resources: readonly InventoryEntry[];
}

export interface InventoryInput {
  /** The stack's manifests; empty: no drift is computed (`drift: 'unknown'` for what exists). */
  readonly documents: readonly Manifest[];
  readonly unresolvedRefs: Parameters<StackSession['drift']>[0]['unresolvedRefs'];
}

const DRIFT_OF = { changed: 'drifted', missing: 'missing', unhealthy: 'unhealthy', unmanaged: 'drifted' } as const;

/**
 * The inventory of the session's stack.
 *
 * @example
 * const { session } = await openCliSession({ paths, mode: 'read', command: 'novaform get', io });
 * const inventory = await stackInventory(session, { documents: loaded.manifests, unresolvedRefs: loaded.unresolvedRefs });
 * inventory.resources[0] // { kind: 'Flavor', name: 'm1.quickstart', id: 'a1…', status: 'present', drift: 'in sync', … }
 */
export async function stackInventory(session: StackSession, input: InventoryInput): Promise<Inventory> {
  const { stack, records } = session;
  const report: DriftReport | undefined = input.documents.length > 0
    ? await session.drift({ documents: input.documents, unresolvedRefs: input.unresolvedRefs, ignore: [], includeUnmanaged: false })
    : undefined;
  const snapshot = await readStackCloud(session.target.clients, input.documents, records, stack);
  const declared = new Map(input.documents.map((m) => [`${m.kind}/${m.metadata.name}`, m]));
  const owned = new Map(ownedInCloud(snapshot, stack).map((o) => [`${o.kind}/${o.name}`, o.observed]));
  const keys = sortKeys([...declared.keys(), ...records.resources().map((r) => r.id), ...owned.keys()]);

  const observedOf = (kind: Kind, name: string): CloudObject | undefined => {
    const record = records.get(kind, name);
    const manifest = declared.get(`${kind}/${name}`);
    if (manifest) {
      // The plan's own matching (record, stamp, import); a create of unknown outcome waits rather than guesses.
      const importRequest = (manifest.spec as { import?: ImportRequest } | undefined)?.import;
      const match = matchDeclared({
        snapshot, stack, kind, name, now: Date.now(), graceMs: Number.POSITIVE_INFINITY,
        ...(record ? { record } : {}), ...(importRequest ? { import: importRequest } : {}),
      });
      if (match.ok && match.observed) return match.observed;
    }
    return (record ? findById(snapshot, kind, record.cloudId) : undefined) ?? owned.get(`${kind}/${name}`);
  };

  const found = keys.map(({ kind, name }) => ({ kind, name, observed: observedOf(kind, name) }));
  // Attachments by manifest name: another tool wants `data`, not a uuid, where the stack names it.
  const nameOfId = new Map(found.flatMap((f) => (f.observed ? [[f.observed.id, f.name] as const] : [])));
  const named = (ids: readonly string[]) => ids.map((id) => nameOfId.get(id) ?? id);

  const resources = found.map(({ kind, name, observed }): InventoryEntry => {
    const record = records.get(kind, name);
    const drifted = report?.resources.find((r) => r.kind === kind && r.name === name);
    const pending = report?.pending.find((p) => p.kind === kind && p.name === name);
    let drift: InventoryDrift;
    if (drifted) drift = DRIFT_OF[drifted.category];
    else if (pending) drift = pending.action === 'create' ? 'not applied' : 'undeclared';
    else if (!report) drift = 'unknown';
    else if (!declared.has(`${kind}/${name}`)) drift = 'undeclared';
    else drift = observed ? 'in sync' : 'not applied';
    return {
      kind, name,
      id: observed?.id ?? record?.cloudId ?? drifted?.id ?? null,
      status: observed ? statusOf(kind, observed) : 'absent',
      lastApplied: record?.updatedAt ?? null,
      deletionPolicy: record?.deletionPolicy ?? (declared.get(`${kind}/${name}`)?.spec as { deletionPolicy?: 'Delete' | 'Retain' } | undefined)?.deletionPolicy ?? null,
      drift,
      ...(drifted ? { message: drifted.message } : pending ? { message: pending.message } : {}),
      outputs: observed ? outputsOf(kind, observed, named) : {},
    };
  });
  return { stack, cloud: session.target.cloudName, resources };
}

/** The object's own `status` (Nova's, Cinder's), else its readiness in one word. */
function statusOf(kind: Kind, observed: CloudObject): string {
  const status = (observed as { status?: unknown }).status;
  if (typeof status === 'string' && status !== '') return status;
  const readiness = kindModule(kind).readiness(observed);
  return readiness.state === 'ready' ? 'present' : readiness.state;
}

function outputsOf(kind: Kind, observed: CloudObject, named: (ids: readonly string[]) => string[]): InventoryOutputs {
  const out: { addresses?: Record<string, string[]>; attached?: string[]; attachedTo?: string[] } = {};
  const addresses = (observed as { addresses?: unknown }).addresses;
  if (addresses && typeof addresses === 'object' && !Array.isArray(addresses)) {
    out.addresses = Object.fromEntries(Object.entries(addresses as Record<string, unknown>).map(([net, list]) => [net, addressList(list)]));
  }
  const attached = kindModule(kind).attachments?.(observed);
  if (attached && attached.length > 0) out.attached = named(attached);
  const attachedTo = (observed as { attachedTo?: unknown }).attachedTo;
  if (Array.isArray(attachedTo) && attachedTo.length > 0) out.attachedTo = named(attachedTo.filter((id): id is string => typeof id === 'string'));
  return out;
}

/** Nova's `{ addr, version, OS-EXT-IPS:type }` entries (or plain strings) as address strings. */
function addressList(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    if (typeof entry === 'string') return [entry];
    const addr = (entry as { addr?: unknown } | null)?.addr;
    return typeof addr === 'string' ? [addr] : [];
  });
}
