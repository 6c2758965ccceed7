import type { CloudBinding } from './cloud-binding.ts';
import { pendingCreateIn } from './pending-create.ts';
import type { JournalEntry, ResourceRecord, StateEvent } from './state-model.ts';
import type { StateReader } from './state-store.ts';

/** A stack's state as read once: rows in the order first stored. */
export interface StateSnapshot {
  readonly resources: readonly ResourceRecord[];
  readonly journal: readonly JournalEntry[];
  readonly events: readonly StateEvent[];
  readonly binding: CloudBinding | undefined;
}

/**
 * The StateReader over a snapshot: the one implementation of the reader's
 * answers for every backend (files: read-only-state.ts; PostgreSQL:
 * postgres/postgres-reader.ts). Pure: it reads nothing more and writes nothing.
 *
 * @example
 * const reader = readerOverRows('web', '/repo/.novaform/state/web', { resources, journal, events, binding: undefined });
 */
export function readerOverRows(stack: string, path: string, snapshot: StateSnapshot): StateReader {
  const { resources, journal, events, binding } = snapshot;
  const byId = new Map(resources.map((r) => [r.id, r]));
  let closed = false;
  const open = () => {
    if (closed) throw new Error(`the state of stack '${stack}' is closed`);
  };
  return {
    stack,
    path,
    resources() {
      open();
      return [...resources];
    },
    get(kind, name) {
      open();
      return byId.get(`${kind}/${name}`);
    },
    unfinished() {
      open();
      return journal.filter((entry) => entry.status === 'started');
    },
    journal() {
      open();
      return [...journal];
    },
    pendingCreate(kind, name) {
      open();
      return pendingCreateIn(journal, kind, name);
    },
    events({ limit } = {}) {
      open();
      return limit === undefined ? [...events] : events.slice(Math.max(0, events.length - limit));
    },
    cloud() {
      open();
      return binding;
    },
    async close() {
      closed = true;
    },
  };
}
