import { displaySafe } from './display-safe.ts';
import { redactMessage } from './state-redact.ts';

/**
 * What a state backend keeps for a stack's controller (`novaform watch`),
 * where the controller and the status / events / approve / suspend /
 * resume commands meet without talking to each other: its last status,
 * its events, the approvals granted and not yet consumed, and the suspend
 * mark. The files backend keeps them in `.novaform/controller/<stack>/`
 * (file-controller-store.ts), the PostgreSQL backend in its
 * `novaform_controller*` tables (postgres/postgres-controller-store.ts), so
 * an approval given on a laptop reaches the replica that holds the stack on
 * another machine. `StateBackend.controllerStore(stack)` is the seam.
 *
 * The status document is the controller's (controller/controller-model.ts);
 * a store keeps it as written, hence the type parameter. The other shapes
 * are the controller's too, spelled out here so the state layer does not
 * depend on the controller.
 *
 * Contract (every implementation):
 * - Every write MUST be atomic: a reader sees the old value or the new one.
 * - `consumeApproval` takes an approval exactly once; an approval granted
 *   while another one (or the same key) is being consumed is never lost.
 * - `appendEvent` numbers events 1, 2, 3... per stack, continuing from the
 *   newest stored one across reopens, processes and machines; only the
 *   newest `keepEvents` (default 1000) are kept for good (files: once
 *   2 x keep are passed).
 * - Nothing secret is ever stored: everything goes through display-safe.ts
 *   (events: their message through `redactMessage`).
 * - `watch(onChange)` calls `onChange` (debounced ~100 ms) when the
 *   approvals or the suspend mark change, whoever changed them, and not
 *   for status or event writes. Until the function it returns is called
 *   the watch keeps the process alive: the caller MUST call it on shutdown.
 * - `close()` stops what the store opened (its watches); a store given by a
 *   backend leaves the backend open (its owner closes it).
 */

export type ControllerEventLevel = 'info' | 'warn' | 'error';

/** One stored event (controller-model.ts `ControllerEvent`). */
export interface StoredControllerEvent {
  readonly seq: number;
  readonly time: string;
  readonly level: ControllerEventLevel;
  readonly reason: string;
  readonly key?: string;
  readonly message: string;
}

/** A granted approval (controller-model.ts `Approval`). */
export interface StoredApproval {
  readonly key: string;
  readonly fingerprint: string;
  readonly approvedAt: string;
  /** Who approved: `cli:USER@HOST` or `ui:ADDRESS`. */
  readonly by: string;
}

/** `novaform suspend`'s mark. */
export interface SuspendMarker {
  readonly at: string;
  /** Who suspended: `cli:USER@HOST`. */
  readonly by: string;
  readonly reason?: string;
}

export interface ControllerRecords<Status extends object = object> {
  /** Where, in words for messages (no credentials): `/repo/.novaform/controller/web` or `postgres://db/novaform (stack web)`. */
  readonly location: string;
  readonly stack: string;
  writeStatus(status: Status): Promise<void>;
  /** The last status written, or undefined when no controller ever wrote one. */
  readStatus(): Promise<Status | undefined>;
  /** Stores `event` with the next seq and returns it as stored. */
  appendEvent(event: Omit<StoredControllerEvent, 'seq'>): Promise<StoredControllerEvent>;
  /** Events with seq > `since` (default all), oldest first; `limit` keeps the newest `limit` of them. */
  readEvents(options?: { since?: number; limit?: number }): Promise<StoredControllerEvent[]>;
  /** Records `approval`, replacing an earlier one for the same key. */
  grantApproval(approval: StoredApproval): Promise<void>;
  /** The approvals granted and not yet consumed. */
  approvals(): Promise<StoredApproval[]>;
  /** Removes and returns the approval of `key` (undefined when none): the controller calls it when it acts on it. */
  consumeApproval(key: string): Promise<StoredApproval | undefined>;
  suspend(marker: { by: string; reason?: string; at?: string }): Promise<SuspendMarker>;
  /** Removes the suspend mark; true when the stack was suspended. */
  resume(): Promise<boolean>;
  suspended(): Promise<SuspendMarker | undefined>;
  watch(onChange: () => void): () => void;
  close(): Promise<void>;
}

/** Options of `StateBackend.controllerStore`. */
export interface ControllerRecordsOptions {
  /** Events kept (default 1000). */
  readonly keepEvents?: number;
}

export const DEFAULT_KEEP_EVENTS = 1000;

/**
 * The approval as stored: its four fields, display-safe.
 *
 * @example
 * storedApproval({ key: 'Server/web-1', fingerprint: 'sha256:…', approvedAt: '2026-01-01T10:00:00.000Z', by: 'cli:ops@host' })
 */
export function storedApproval(approval: StoredApproval): StoredApproval {
  return displaySafe({ key: approval.key, fingerprint: approval.fingerprint, approvedAt: approval.approvedAt, by: approval.by });
}

/**
 * The suspend mark as stored: `at` defaults to now; display-safe.
 *
 * @example
 * storedMarker({ by: 'cli:ops@host', reason: 'maintenance' }) // { at: '<now>', by: 'cli:ops@host', reason: 'maintenance' }
 */
export function storedMarker(marker: { by: string; reason?: string; at?: string }): SuspendMarker {
  return displaySafe({ at: marker.at ?? new Date().toISOString(), by: marker.by, ...(marker.reason !== undefined ? { reason: marker.reason } : {}) });
}

/**
 * The event as stored with `seq`: fields in a fixed order, the message redacted.
 *
 * @example
 * storedEvent(7, { time: '2026-01-01T10:00:00.000Z', level: 'info', reason: 'Applied', message: 'ok' }).seq // 7
 */
export function storedEvent(seq: number, event: Omit<StoredControllerEvent, 'seq'>): StoredControllerEvent {
  return {
    seq, time: event.time, level: event.level, reason: event.reason,
    ...(event.key !== undefined ? { key: event.key } : {}), message: redactMessage(event.message),
  };
}
