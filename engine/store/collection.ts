import Datastore from 'nedb-promises';

/**
 * One persisted collection: an in-memory Map that is the source of truth for
 * reads, written through to a nedb-promises datastore.
 *
 * Contract:
 * - `put` and `delete` change the Map synchronously, before their promise
 *   settles, so a handler that checks and then writes without an `await` in
 *   between cannot race another request (quota checks rely on this).
 * - Objects returned by `get`/`all` are the live stored objects; a caller
 *   that mutates one MUST call `put` with it so the change is persisted.
 * - nedb queues operations per datastore, so writes reach disk in call order;
 *   it compacts the append-only datafile each time it loads.
 */
export class Collection<T extends { id: string }> {
  private readonly items = new Map<string, T>();

  private constructor(
    readonly name: string,
    private readonly db: Datastore<Record<string, unknown>>,
  ) {}

  static async open<T extends { id: string }>(name: string, dataDir: string | undefined): Promise<Collection<T>> {
    // 0600 datafiles in a 0700 folder: they hold users' passwords and tokens. nedb-promises passes `modes` on; its typings leave it out.
    const persisted = { filename: `${dataDir}/${name}.db`, autoload: false, modes: { fileMode: 0o600, dirMode: 0o700 } };
    const db = dataDir
      ? Datastore.create(persisted)
      : Datastore.create({ inMemoryOnly: true });
    await db.load();
    const collection = new Collection<T>(name, db);
    const docs = await db.find<Record<string, unknown>>({}).sort({ seq: 1 });
    for (const doc of docs) {
      const { _id, seq, json, ...rest } = doc;
      void _id; void seq;
      const item = typeof json === 'string' ? (JSON.parse(json) as T) : (rest as unknown as T);
      collection.items.set(String(item.id), item);
    }
    collection.seq = docs.length;
    return collection;
  }

  private seq = 0;

  get size(): number {
    return this.items.size;
  }

  get(id: string): T | undefined {
    return this.items.get(id);
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  /** All items in insertion order. */
  all(): T[] {
    return [...this.items.values()];
  }

  filter(predicate: (item: T) => boolean): T[] {
    const out: T[] = [];
    for (const item of this.items.values()) if (predicate(item)) out.push(item);
    return out;
  }

  find(predicate: (item: T) => boolean): T | undefined {
    for (const item of this.items.values()) if (predicate(item)) return item;
    return undefined;
  }

  async put(item: T): Promise<void> {
    const isNew = !this.items.has(item.id);
    this.items.set(item.id, item);
    // Stored as a JSON string: nedb refuses field names with '.' or a leading '$',
    // which API data may legitimately hold (metadata keys such as "app.tier").
    const doc = { json: JSON.stringify(item) };
    if (isNew) {
      await this.db.update({ _id: item.id }, { ...doc, _id: item.id, seq: this.seq++ }, { upsert: true });
    } else {
      await this.db.update({ _id: item.id }, { $set: doc });
    }
  }

  async delete(id: string): Promise<boolean> {
    const existed = this.items.delete(id);
    if (existed) await this.db.remove({ _id: id }, { multi: false });
    return existed;
  }
}
