import type { Kind } from '../../provider/resources/types.ts';
import type { CloudBinding } from './cloud-binding.ts';

/**
 * What the state store keeps per stack under `.novaform/` (DESIGN.md
 * "State"). The cloud is the truth; this is a cache and a journal, and
 * losing it must not lose track of anything (ownership in the cloud
 * rebuilds it).
 */

/** One managed object. `id` is `${kind}/${name}`. */
export interface ResourceRecord {
  readonly id: string;
  readonly kind: Kind;
  readonly name: string;
  /** The cloud id (flavor id, keypair name, volume/server uuid, aggregate id). */
  readonly cloudId: string;
  /**
   * The resolved spec last applied, for field ownership of maps (metadata,
   * extra specs: keys removed from the manifest are deleted only if
   * novaform set them). Secrets MUST be stored as `sha256:` digests only.
   */
  readonly lastApplied: unknown;
  readonly deletionPolicy: 'Delete' | 'Retain';
  /** Taken over with `import` (the evidence for kinds that carry no stamp in the cloud). */
  readonly imported?: boolean;
  readonly updatedAt: string;
}

/**
 * A cloud call, written before it is made and completed after, so a crash
 * leaves a trace the next run resolves (adopt by ownership, then finish).
 */
export interface JournalEntry {
  readonly id: string;
  readonly at: string;
  readonly kind: Kind;
  readonly name: string;
  readonly operation: 'create' | 'update' | 'resize' | 'rebuild' | 'replace' | 'delete';
  /** `unknown`: the call was sent and its answer lost (a create the next run resolves by adoption). */
  status: 'started' | 'done' | 'failed' | 'unknown';
  cloudId?: string;
  /** The cloud's own message on failure. */
  error?: string;
  finishedAt?: string;
}

/** Something that happened, for `novaform events` and the controller. */
export interface StateEvent {
  readonly id: string;
  readonly at: string;
  readonly kind?: Kind;
  readonly name?: string;
  readonly type: string;
  readonly message: string;
}

/** A stack's whole state, as `state migrate` and `state pull` move it from one backend to another. */
export interface StackContents {
  /** In the order first stored. */
  readonly resources: readonly ResourceRecord[];
  /** Oldest first, unfinished entries included (the next plan resolves them wherever the stack lives). */
  readonly journal: readonly JournalEntry[];
  /** Oldest first. */
  readonly events: readonly StateEvent[];
  readonly binding?: CloudBinding;
  /** The stack's secret-digest key (digest-key.ts), so saved plans keep verifying after the move. */
  readonly digestKey: Buffer;
}
