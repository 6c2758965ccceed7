import type { ControllerRecords, ControllerRecordsOptions } from './controller-records.ts';
import type { LockOptions, StackLock } from './stack-lock.ts';
import type { StackContents } from './state-model.ts';
import type { StateOptions, StateReader, StateStore } from './state-store.ts';

/**
 * Where stacks keep their state, their lock and their digest key: the seam
 * between the reconciler and its storage (issue 13). Two implementations:
 * files under a project's `.novaform/` (file-backend.ts, the default for one
 * person on one machine) and PostgreSQL (postgres/, for teams and
 * controller replicas). Everything above this seam (the stack session, the
 * CLI, the controller, the Pulumi provider) is the same for both.
 *
 * Contract (every implementation):
 * - `lock(stack)` serializes writers per stack across every process that
 *   uses the same backend; a holder that dies loses the lock (files: its pid
 *   is found dead; PostgreSQL: its connection drops). It throws
 *   `StackLockedError` naming the holder when `waitMs` runs out.
 * - `openStore(stack)` MUST be called only while holding `lock(stack)`; the
 *   store's contract is state-store.ts's (synchronous reads, awaited
 *   writes durable, secrets redacted).
 * - `openReader(stack)` takes no lock, never waits for a writer and writes
 *   nothing; a stack never written reads as empty.
 * - `digestKey(stack)` is the same 32 bytes for every process using the
 *   backend (plans made on one machine verify on another); created once.
 * - `stacks()` lists the stacks with state, sorted.
 * - `importStack(stack, contents)` writes a whole stack as it was kept
 *   elsewhere, ids, times and digest key unchanged; the caller MUST hold
 *   `lock(stack)`, and the stack MUST have no records, journal or binding
 *   here (else `StateNotEmptyError`, and nothing is written).
 * - `controllerStore(stack)` gives the stack's controller records
 *   (controller-records.ts: status, events, approvals, suspend mark) kept
 *   where the state is, so every process using the backend sees the same
 *   approvals and marks; it takes no lock and connects on first use.
 * - `close()` releases what the backend holds (connections, the watches of
 *   its controller stores); locks taken through it MUST be released first.
 */
export interface StateBackend {
  /** `files` or `postgres`. */
  readonly type: 'files' | 'postgres';
  /** Where, in words for messages, without credentials: `/repo/.novaform` or `postgres://db.example/novaform`. */
  readonly location: string;
  lock(stack: string, options?: LockOptions): Promise<StackLock>;
  openStore(stack: string, options?: StateOptions): Promise<StateStore>;
  openReader(stack: string): Promise<StateReader>;
  digestKey(stack: string): Promise<Buffer>;
  stacks(): Promise<string[]>;
  importStack(stack: string, contents: StackContents): Promise<void>;
  /** A bad stack name throws. The status type is the caller's (the store keeps the document as written). */
  controllerStore<Status extends object>(stack: string, options?: ControllerRecordsOptions): ControllerRecords<Status>;
  close(): Promise<void>;
}

/**
 * The backend cannot be used for a reason a person fixes (the database is
 * down, the password is wrong, TLS is refused): the message is one line
 * naming the location (never a password) with a hint.
 */
export class BackendUnavailableError extends Error {
  /** @param location The backend as shown: no password, no query. */
  constructor(message: string, readonly location: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BackendUnavailableError';
  }
}

/** `importStack` into a stack that already has state in the backend. */
export class StateNotEmptyError extends Error {
  constructor(readonly stackName: string, readonly location: string) {
    super(`stack '${stackName}' already has state in ${location}; nothing was written`);
    this.name = 'StateNotEmptyError';
  }
}
