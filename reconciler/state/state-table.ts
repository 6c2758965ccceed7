import Datastore from 'nedb-promises';
import { PRIVATE_NEDB_MODES } from './private-files.ts';

/**
 * One nedb-promises datafile holding JSON-serializable rows keyed by `id`,
 * mirrored in memory so the store answers reads synchronously.
 *
 * Contract:
 * - Rows are stored as `{ _id, seq, json }` with the row as a JSON string:
 *   nedb refuses field names containing '.' or starting with '$', which
 *   state legitimately holds (metadata keys such as "app.tier" in lastApplied).
 * - Writes go to disk first and to memory only once nedb has appended them,
 *   so memory never claims more than the datafile holds: a caller that
 *   awaited a write MAY rely on it being on disk (the journal's promise).
 * - nedb runs one datafile's operations in call order; `seq` preserves
 *   insertion order across reopen (nedb's own order is not stable).
 * - The datafile is 0600 in a 0700 folder (private-files.ts); opening
 *   compacts it into a new 0600 file, so an older 0644 one is tightened.
 * - Opening compacts the datafile (nedb rewrites it on load), so only one
 *   process MUST have a given table open: the stack lock guarantees that.
 */
export class StateTable<T extends { id: string }> {
  private readonly rows = new Map<string, { seq: number; row: T }>();
  private nextSeq = 0;
  /** Lines appended since the datafile was last compacted. */
  private appended = 0;

  private constructor(private readonly db: Datastore<Record<string, unknown>>) {}

  static async open<T extends { id: string }>(filename: string): Promise<StateTable<T>> {
    // nedb-promises passes `modes` on to @seald-io/nedb; its typings leave the option out.
    const options = { filename, autoload: false, modes: { ...PRIVATE_NEDB_MODES } };
    const db = Datastore.create(options);
    await db.load();
    const table = new StateTable<T>(db);
    const docs = await db.find<Record<string, unknown>>({}).sort({ seq: 1 });
    for (const doc of docs) {
      if (typeof doc.json !== 'string') continue;
      const row = JSON.parse(doc.json) as T;
      const seq = typeof doc.seq === 'number' ? doc.seq : table.nextSeq;
      table.rows.set(row.id, { seq, row });
      table.nextSeq = Math.max(table.nextSeq, seq + 1);
    }
    return table;
  }

  get size(): number {
    return this.rows.size;
  }

  get(id: string): T | undefined {
    return this.rows.get(id)?.row;
  }

  /**
   * Rows in insertion order (an updated row keeps its place). The map is
   * already in `seq` order: rows are loaded sorted, a new row takes the
   * highest seq and goes last, and replacing a row keeps its place. So no
   * sort: the journal is read after every step of a 10,000-step apply.
   */
  all(): T[] {
    return [...this.rows.values()].map((entry) => entry.row);
  }

  /** Inserts or replaces the row with `row.id`. */
  async put(row: T): Promise<void> {
    const seq = this.rows.get(row.id)?.seq ?? this.nextSeq++;
    const json = JSON.stringify(row);
    await this.db.update({ _id: row.id }, { _id: row.id, seq, json }, { upsert: true });
    this.appended += 1;
    // Parsed back, so memory holds exactly what a reopen would (no undefined fields, no shared references).
    this.rows.set(row.id, { seq, row: JSON.parse(json) as T });
  }

  async delete(id: string): Promise<boolean> {
    if (!this.rows.has(id)) return false;
    await this.db.remove({ _id: id }, { multi: false });
    this.appended += 1;
    this.rows.delete(id);
    return true;
  }

  /** Removes the oldest rows matching `prunable` until at most `keep` of them remain. */
  async prune(keep: number, prunable: (row: T) => boolean = () => true): Promise<number> {
    const candidates = this.all().filter(prunable);
    const excess = candidates.slice(0, Math.max(0, candidates.length - keep));
    if (excess.length === 0) return 0;
    const ids = excess.map((row) => row.id);
    await this.db.remove({ _id: { $in: ids } }, { multi: true });
    this.appended += ids.length;
    for (const id of ids) this.rows.delete(id);
    return ids.length;
  }

  /**
   * Rewrites the datafile as one line per row when this process appended
   * to it: nedb appends a line for every write, so after a 10,000-object
   * apply the resources file holds each row twice and the journal 30,000
   * lines of finished entries, which every later `plan` (read-datafile.ts)
   * would parse. nedb writes the new file beside the old and renames it,
   * so a crash leaves one or the other whole.
   */
  async compact(): Promise<void> {
    if (this.appended === 0) return;
    // nedb-promises hands calls it does not wrap to nedb's own datastore.
    await (this.db as unknown as { compactDatafileAsync(): Promise<void> }).compactDatafileAsync();
    this.appended = 0;
  }
}
