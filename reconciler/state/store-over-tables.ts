import { randomUUID } from 'node:crypto';
import type { BindingRow, StateOptions, StateStore } from './state-store.ts';
import { pendingCreateIn } from './pending-create.ts';
import { describeCloud, identityOf, type CloudBinding } from './cloud-binding.ts';
import type { JournalEntry, ResourceRecord, StateEvent } from './state-model.ts';
import { redactForState, redactMessage } from './state-redact.ts';

/**
 * Rows keyed by `id`, mirrored in memory so reads are synchronous: what a
 * backend's storage offers the store. Files: StateTable (nedb datafiles);
 * PostgreSQL: PostgresTable (postgres/postgres-table.ts).
 *
 * Contract (every implementation):
 * - `get`/`all` are synchronous and reflect every write whose promise has
 *   resolved; `all` is in insertion order, and a replaced row keeps its place.
 * - A write's promise resolves once the row is durable (on disk, committed).
 * - Memory never claims more than the storage holds.
 */
export interface RowTable<T extends { id: string }> {
  get(id: string): T | undefined;
  all(): T[];
  put(row: T): Promise<void>;
  /** False when there was no such row. */
  delete(id: string): Promise<boolean>;
  /** Removes the oldest rows matching `prunable` until at most `keep` of them remain. */
  prune(keep: number, prunable?: (row: T) => boolean): Promise<number>;
  /** Storage that grows with every write (an append-only file) SHOULD shrink back to the rows here; called once the store closes. */
  compact?(): Promise<void>;
}

/** The four tables of a stack's state. */
export interface StateTables {
  readonly resources: RowTable<ResourceRecord>;
  readonly journal: RowTable<JournalEntry>;
  readonly events: RowTable<StateEvent>;
  readonly meta: RowTable<BindingRow>;
}

/**
 * The StateStore of state-store.ts over any backend's tables: the one
 * implementation of its rules (record shape, redaction, journal pruning,
 * bind/forget), so the files and PostgreSQL backends cannot drift apart.
 * Prunes the journal and events once at open, as each write does later.
 *
 * @example
 * const store = await storeOverTables('web', '/repo/.novaform/state/web', tables, { maxJournal: 500 });
 */
export async function storeOverTables(stack: string, path: string, tables: StateTables, options: StateOptions = {}): Promise<StateStore> {
  const { resources, journal, events, meta } = tables;
  const maxJournal = options.maxJournal ?? 500;
  const maxEvents = options.maxEvents ?? 1000;
  const now = () => (options.now ? options.now() : new Date()).toISOString();

  // A create with an unknown outcome stays until a later run resolves it, like an unfinished one.
  const isFinished = (entry: JournalEntry) => entry.status === 'done' || entry.status === 'failed';
  await journal.prune(maxJournal, isFinished);
  await events.prune(maxEvents);

  let closed = false;
  const open = () => {
    if (closed) throw new Error(`the state of stack '${stack}' is closed`);
  };
  // Writes not yet durable, so close() can wait for a caller that did not await one.
  const pending = new Set<Promise<unknown>>();
  const write = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    const forget = () => { pending.delete(promise); };
    promise.then(forget, forget);
    return promise;
  };

  return {
    stack,
    path,
    resources() {
      open();
      return resources.all();
    },
    get(kind, name) {
      open();
      return resources.get(`${kind}/${name}`);
    },
    async put(input) {
      open();
      const record: ResourceRecord = {
        id: `${input.kind}/${input.name}`,
        kind: input.kind,
        name: input.name,
        cloudId: input.cloudId,
        lastApplied: redactForState(input.lastApplied),
        deletionPolicy: input.deletionPolicy,
        updatedAt: now(),
      };
      await write(resources.put(record));
      return resources.get(record.id)!;
    },
    async remove(kind, name) {
      open();
      return write(resources.delete(`${kind}/${name}`));
    },
    async journalStart({ kind, name, operation }) {
      open();
      const entry: JournalEntry = { id: randomUUID(), at: now(), kind, name, operation, status: 'started' };
      await write(journal.put(entry));
      return { ...entry };
    },
    async journalFinish(entry, outcome) {
      open();
      const stored = journal.get(entry.id);
      if (!stored) throw new Error(`journal entry ${entry.id} (${entry.operation} ${entry.kind}/${entry.name}) is not in the state of stack '${stack}'`);
      // An unknown outcome stays open until a later run learns it (run-step.ts settles earlier creates).
      if (stored.status !== 'started' && stored.status !== 'unknown') throw new Error(`journal entry ${entry.id} (${entry.operation} ${entry.kind}/${entry.name}) is already ${stored.status}`);
      const finished: JournalEntry = {
        ...stored,
        status: outcome.status,
        finishedAt: now(),
        ...(outcome.cloudId !== undefined ? { cloudId: outcome.cloudId } : {}),
        ...(outcome.error !== undefined ? { error: redactMessage(outcome.error) } : {}),
      };
      await write(journal.put(finished));
      await write(journal.prune(maxJournal, isFinished));
      return Object.assign(entry, finished);
    },
    journal() {
      open();
      return journal.all();
    },
    pendingCreate(kind, name) {
      open();
      return pendingCreateIn(journal.all(), kind, name);
    },
    unfinished() {
      open();
      return journal.all().filter((entry) => entry.status === 'started');
    },
    async event({ kind, name, type, message }) {
      open();
      const event: StateEvent = {
        id: randomUUID(),
        at: now(),
        ...(kind !== undefined ? { kind } : {}),
        ...(name !== undefined ? { name } : {}),
        type,
        message: redactMessage(message),
      };
      await write(events.put(event));
      await write(events.prune(maxEvents));
      return events.get(event.id) ?? event;
    },
    events({ limit } = {}) {
      open();
      const all = events.all();
      return limit === undefined ? all : all.slice(Math.max(0, all.length - limit));
    },
    cloud() {
      open();
      return meta.get('cloud')?.binding;
    },
    async bind(identity, { forget = false } = {}) {
      open();
      const previous = meta.get('cloud')?.binding;
      if (forget) {
        for (const record of resources.all()) await write(resources.delete(record.id));
        for (const entry of journal.all().filter((e) => e.status === 'started')) {
          await write(journal.put({ ...entry, status: 'failed', finishedAt: now(), error: 'abandoned: the stack was moved to another cloud (--rebind)' }));
        }
      }
      const binding = { ...identityOf(identity), boundAt: now() } as CloudBinding;
      await write(meta.put({ id: 'cloud', binding }));
      if (previous && forget) {
        await write(events.put({
          id: randomUUID(), at: now(), type: 'Rebound',
          message: `moved from ${describeCloud(previous)} to ${describeCloud(identity)}; the records of the old cloud were forgotten`,
        }));
      }
      return meta.get('cloud')!.binding;
    },
    async close() {
      closed = true;
      // Each write is durable once its promise resolves; waiting for the ones in flight is all a flush needs.
      await Promise.allSettled([...pending]);
      // So the next reader parses the rows, not the history of this run's writes.
      await Promise.all([resources, journal, events, meta].map((table) => table.compact?.()));
    },
  };
}
