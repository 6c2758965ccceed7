import type pg from 'pg';
import {
  DEFAULT_KEEP_EVENTS, storedApproval, storedEvent, storedMarker,
  type ControllerRecords, type ControllerRecordsOptions, type StoredApproval, type StoredControllerEvent, type SuspendMarker,
} from '../controller-records.ts';
import { changeSignal } from '../change-signal.ts';
import { displaySafe } from '../display-safe.ts';
import type { Query } from './postgres-table.ts';

/**
 * The PostgreSQL backend's controller records (../controller-records.ts):
 * rows of migration 3's tables keyed by stack, so `novaform approve` on a
 * laptop reaches the replica that holds the stack on another machine, and
 * `novaform status` anywhere reads the status a controller stored.
 *
 * How these tables keep the contract:
 * - Every write is one autocommitted statement (atomic).
 * - `consumeApproval` is a single `DELETE ... RETURNING`: of two consumers
 *   one gets the row; a grant that lands after the delete is a new row and
 *   stays for the next pass.
 * - `appendEvent` takes the next seq from the stack's counter row
 *   (`novaform_controllers.event_seq`, under the row's lock) and trims
 *   events older than the newest `keepEvents` in the same statement.
 * - Grants, consumes, suspends and resumes `NOTIFY novaform_controller`
 *   with the stack as payload, in the same statement (delivered on commit).
 *   `watch` LISTENs on a connection of its own and also polls every 2 s,
 *   in case the connection drops or a notification is missed; every
 *   trigger compares a signature of the approvals and the mark, so
 *   `onChange` fires only on a real change.
 */

/** The NOTIFY channel of controller marks; the payload is the stack. */
export const CONTROLLER_CHANNEL = 'novaform_controller';
const DEBOUNCE_MS = 100;
const POLL_MS = 2000;

export interface PostgresControllerTarget {
  /** One statement on the backend's pool (schema ensured, errors translated). */
  readonly query: Query;
  /** A new, unconnected client for `watch`'s LISTEN. */
  newClient(): pg.Client;
  /** `postgres://host/db (stack web)`. */
  readonly location: string;
}

/** The signature `watch` compares: every approval key with when it was granted, and the mark. */
const SIGNATURE = `SELECT coalesce((SELECT string_agg(key || E'\\t' || granted_at::text, E'\\n' ORDER BY key COLLATE "C")
    FROM novaform_controller_approvals WHERE stack = $1), '')
  || E'\\n' || coalesce((SELECT suspended_at::text || marker::text FROM novaform_controller_suspended WHERE stack = $1), '-') AS sig`;

/**
 * @example
 * const store = openPostgresControllerStore({ query, newClient, location: 'postgres://db/novaform (stack web)' }, 'web');
 * const stop = store.watch(() => controller.refreshMarks());
 */
export function openPostgresControllerStore<Status extends object>(target: PostgresControllerTarget, stack: string, options: ControllerRecordsOptions = {}): ControllerRecords<Status> {
  const { query } = target;
  const keep = options.keepEvents ?? DEFAULT_KEEP_EVENTS;
  const stops = new Set<() => Promise<void>>();

  const signature = async () => (await query<{ sig: string }>(SIGNATURE, [stack]))[0]!.sig;

  return {
    location: target.location,
    stack,
    async writeStatus(status) {
      await query(`INSERT INTO novaform_controllers (stack, status, status_at) VALUES ($1, $2::json, clock_timestamp())
        ON CONFLICT (stack) DO UPDATE SET status = EXCLUDED.status, status_at = EXCLUDED.status_at`, [stack, JSON.stringify(displaySafe(status))]);
    },
    async readStatus() {
      const [row] = await query<{ status: Status | null }>('SELECT status FROM novaform_controllers WHERE stack = $1', [stack]);
      return row?.status ?? undefined;
    },
    async appendEvent(event) {
      const { seq: _unknown, ...body } = storedEvent(0, event);
      const [row] = await query<{ seq: string }>(`WITH counter AS (
          INSERT INTO novaform_controllers (stack, event_seq) VALUES ($1, 1)
          ON CONFLICT (stack) DO UPDATE SET event_seq = novaform_controllers.event_seq + 1
          RETURNING event_seq),
        added AS (
          INSERT INTO novaform_controller_events (stack, seq, event) SELECT $1, event_seq, $2::json FROM counter RETURNING seq),
        trimmed AS (
          DELETE FROM novaform_controller_events WHERE stack = $1 AND seq <= (SELECT event_seq FROM counter) - $3::bigint)
        SELECT seq FROM added`, [stack, JSON.stringify(body), keep]);
      return { seq: Number(row!.seq), ...body };
    },
    async readEvents(range = {}) {
      const since = range.since ?? 0;
      if (range.limit !== undefined && range.limit <= 0) return [];
      const rows = range.limit === undefined
        ? await query<{ seq: string; event: Omit<StoredControllerEvent, 'seq'> }>(
          'SELECT seq, event FROM novaform_controller_events WHERE stack = $1 AND seq > $2 ORDER BY seq', [stack, since])
        : await query<{ seq: string; event: Omit<StoredControllerEvent, 'seq'> }>(`SELECT seq, event FROM (
            SELECT seq, event FROM novaform_controller_events WHERE stack = $1 AND seq > $2 ORDER BY seq DESC LIMIT $3) newest
          ORDER BY seq`, [stack, since, range.limit]);
      return rows.map((row) => ({ seq: Number(row.seq), ...row.event }));
    },

    async grantApproval(approval) {
      await query(`WITH granted AS (
          INSERT INTO novaform_controller_approvals (stack, key, approval, granted_at) VALUES ($1, $2, $3::json, clock_timestamp())
          ON CONFLICT (stack, key) DO UPDATE SET approval = EXCLUDED.approval, granted_at = EXCLUDED.granted_at
          RETURNING 1)
        SELECT pg_notify($4, $1) FROM granted`, [stack, approval.key, JSON.stringify(storedApproval(approval)), CONTROLLER_CHANNEL]);
    },
    async approvals() {
      const rows = await query<{ approval: StoredApproval }>(
        'SELECT approval FROM novaform_controller_approvals WHERE stack = $1 ORDER BY key COLLATE "C"', [stack]);
      return rows.map((row) => row.approval);
    },
    async consumeApproval(key) {
      const [row] = await query<{ approval: StoredApproval }>(`WITH taken AS (
          DELETE FROM novaform_controller_approvals WHERE stack = $1 AND key = $2 RETURNING approval)
        SELECT approval, pg_notify($3, $1) FROM taken`, [stack, key, CONTROLLER_CHANNEL]);
      return row?.approval;
    },

    async suspend(marker) {
      const stored = storedMarker(marker);
      await query(`WITH marked AS (
          INSERT INTO novaform_controller_suspended (stack, marker, suspended_at) VALUES ($1, $2::json, clock_timestamp())
          ON CONFLICT (stack) DO UPDATE SET marker = EXCLUDED.marker, suspended_at = EXCLUDED.suspended_at
          RETURNING 1)
        SELECT pg_notify($3, $1) FROM marked`, [stack, JSON.stringify(stored), CONTROLLER_CHANNEL]);
      return stored;
    },
    async resume() {
      const rows = await query(`WITH removed AS (DELETE FROM novaform_controller_suspended WHERE stack = $1 RETURNING 1)
        SELECT pg_notify($2, $1) FROM removed`, [stack, CONTROLLER_CHANNEL]);
      return rows.length > 0;
    },
    async suspended() {
      const [row] = await query<{ marker: SuspendMarker }>('SELECT marker FROM novaform_controller_suspended WHERE stack = $1', [stack]);
      return row?.marker;
    },

    watch(onChange) {
      let client: pg.Client | undefined;
      let connecting: Promise<void> | undefined;
      const signal = changeSignal(signature, onChange, DEBOUNCE_MS);
      const schedule = signal.trigger;
      /** (Re)opens the LISTEN connection; while it is down the poll alone notices changes. */
      const listen = () => {
        if (signal.stopped || client || connecting) return;
        const next = target.newClient();
        const drop = () => {
          if (client === next) client = undefined;
          void next.end().catch(() => undefined);
        };
        next.on('error', drop);
        next.on('end', drop);
        next.on('notification', (message) => {
          if (message.channel === CONTROLLER_CHANNEL && message.payload === stack) schedule();
        });
        connecting = (async () => {
          try {
            await next.connect();
            await next.query(`LISTEN ${CONTROLLER_CHANNEL}`);
            if (signal.stopped) throw new Error('stopped');
            client = next;
            // A change between the first signature and LISTEN taking effect is caught here.
            schedule();
          } catch {
            await next.end().catch(() => undefined);
          } finally {
            connecting = undefined;
          }
        })();
      };
      void signal.primed.finally(listen);
      const poll = setInterval(() => {
        schedule();
        listen();
      }, POLL_MS);
      const stop = async () => {
        signal.stop();
        stops.delete(stop);
        clearInterval(poll);
        await connecting;
        await client?.end().catch(() => undefined);
        client = undefined;
      };
      stops.add(stop);
      return () => { void stop(); };
    },
    async close() {
      await Promise.all([...stops].map((stop) => stop()));
    },
  };
}
