import { join } from 'node:path';
import { ensurePrivateDir } from './private-files.ts';
import type { Kind } from '../../provider/resources/types.ts';
import type { CloudBinding, CloudIdentity } from './cloud-binding.ts';
import type { JournalEntry, ResourceRecord, StateEvent } from './state-model.ts';
import { StateTable } from './state-table.ts';
import { storeOverTables } from './store-over-tables.ts';

export { redactForState, redactMessage, secretDigest } from './state-redact.ts';

/** What `put` takes: the store fills in `id` (`Kind/name`) and `updatedAt`. */
export type ResourceInput = Omit<ResourceRecord, 'id' | 'updatedAt'>;

export interface StateOptions {
  /** Finished journal entries kept (oldest dropped); unfinished ones are never dropped. Default 500. */
  maxJournal?: number;
  /** Events kept (oldest dropped). Default 1000. */
  maxEvents?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

/**
 * One stack's state under `<dir>/state/<stack>/`: managed resources, the
 * journal of cloud calls, and events (DESIGN.md "State"). The cloud is the
 * truth; this is a cache and a journal.
 *
 * Contract:
 * - The caller MUST hold the stack lock (`acquireLock(dir, stack)`) while the
 *   store is open: opening compacts the datafiles, so two processes with the
 *   same stack open would lose each other's writes. Readers that need no
 *   lock (plan, drift) use `openStateReadOnly` (read-only-state.ts).
 * - Reads (`resources`, `get`, `unfinished`, `events`) are synchronous and
 *   reflect every write whose promise has resolved.
 * - A write's promise resolves once the datafile has it: a journal entry
 *   returned by `journalStart` survives a crash of the process.
 * - Secrets MUST NOT reach the datafiles in clear text: `put` stores
 *   `redactForState(lastApplied)`; journal errors and event messages go
 *   through `redactMessage`.
 * - Returned objects are the store's own; callers MUST NOT mutate them
 *   (except the entry handed to `journalFinish`, which updates it).
 * - After `close()` every method throws.
 */
export interface StateStore {
  readonly stack: string;
  /** The directory holding the datafiles. */
  readonly path: string;
  /** Every managed resource, in the order first stored. */
  resources(): ResourceRecord[];
  get(kind: Kind, name: string): ResourceRecord | undefined;
  /** Creates or replaces the record for `kind/name`; returns it as stored (redacted, with id and updatedAt). */
  put(record: ResourceInput): Promise<ResourceRecord>;
  /** False when there was no such record. */
  remove(kind: Kind, name: string): Promise<boolean>;
  /** MUST be awaited BEFORE the cloud call it describes. */
  journalStart(call: { kind: Kind; name: string; operation: JournalEntry['operation'] }): Promise<JournalEntry>;
  /** Marks `entry` done or failed (updating the object passed in); throws unless it is started, or unknown (a later run learned the outcome). */
  journalFinish(entry: JournalEntry, outcome: { status: 'done' | 'failed' | 'unknown'; cloudId?: string; error?: string }): Promise<JournalEntry>;
  /** Every journal entry kept, oldest first. */
  journal(): JournalEntry[];
  /** The create of `kind/name` an earlier run sent whose outcome is unknown, if any (pending-create.ts). */
  pendingCreate(kind: Kind, name: string): { readonly at: string } | undefined;
  /** Entries started but never finished, oldest first: a run crashed during these calls. */
  unfinished(): JournalEntry[];
  event(event: { kind?: Kind; name?: string; type: string; message: string }): Promise<StateEvent>;
  /** The latest `limit` events (default all kept), oldest first. */
  events(options?: { limit?: number }): StateEvent[];
  /** The cloud this state belongs to (cloud-binding.ts); undefined until a change was made to a cloud. */
  cloud(): CloudBinding | undefined;
  /**
   * Binds the state to `identity`. With `forget` (an intentional move to
   * another cloud, `--rebind`), first forgets what belonged to the old
   * cloud: every resource record, and unfinished journal entries (finished
   * as failed). MUST be awaited before the first cloud call of a change.
   */
  bind(identity: CloudIdentity, options?: { forget?: boolean }): Promise<CloudBinding>;
  close(): Promise<void>;
}

/** What reading a stack needs, and all a read-only state offers (read-only-state.ts). */
export type StateReader = Pick<StateStore, 'stack' | 'path' | 'resources' | 'get' | 'unfinished' | 'journal' | 'pendingCreate' | 'events' | 'cloud' | 'close'>;

/** The row of `meta.db` holding the binding. */
export interface BindingRow {
  readonly id: 'cloud';
  readonly binding: CloudBinding;
}

/** The datafiles of a stack's state, under its directory. */
export const DATAFILES = { resources: 'resources.db', journal: 'journal.db', events: 'events.db', meta: 'meta.db' } as const;

/**
 * Stack names become a directory name: no separators, no `.`/`..`, nothing
 * hidden. Every backend applies it, so a stack moves between backends
 * (`state migrate`, `state pull`) under the same name.
 */
export function checkStackName(stack: string): void {
  if (stack === '' || stack.length > 200 || /[/\\\0]/.test(stack) || stack.startsWith('.')) {
    throw new Error(`invalid stack name '${stack}': use 1-200 characters without '/', '\\' or a leading '.'`);
  }
}

/** The directory of a stack's state (and its lock). */
export function stackDir(dir: string, stack: string): string {
  checkStackName(stack);
  return join(dir, 'state', stack);
}

/**
 * Opens (creating if needed) the state of `stack` under `dir`.
 *
 * @example
 * const lock = await acquireLock('.novaform', 'web', { command: 'novaform apply' });
 * const state = await openState('.novaform', 'web');
 * try {
 *   const entry = await state.journalStart({ kind: 'Server', name: 'web-1', operation: 'create' });
 *   const server = await createServer(...);                    // the cloud call
 *   await state.journalFinish(entry, { status: 'done', cloudId: server.id });
 *   await state.put({ kind: 'Server', name: 'web-1', cloudId: server.id, lastApplied: spec, deletionPolicy: 'Delete' });
 *   await state.event({ kind: 'Server', name: 'web-1', type: 'Created', message: `server ${server.id} is ACTIVE` });
 * } finally {
 *   await state.close();
 *   await lock.release();
 * }
 */
export async function openState(dir: string, stack: string, options: StateOptions = {}): Promise<StateStore> {
  const path = stackDir(dir, stack);
  // 0700 folders, 0600 datafiles (private-files.ts): the state is the user's alone.
  await ensurePrivateDir(path);
  const [resources, journal, events, meta] = await Promise.all([
    StateTable.open<ResourceRecord>(join(path, DATAFILES.resources)),
    StateTable.open<JournalEntry>(join(path, DATAFILES.journal)),
    StateTable.open<StateEvent>(join(path, DATAFILES.events)),
    StateTable.open<BindingRow>(join(path, DATAFILES.meta)),
  ]);
  return storeOverTables(stack, path, { resources, journal, events, meta }, options);
}
