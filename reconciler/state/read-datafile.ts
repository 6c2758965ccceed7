import { readFile } from 'node:fs/promises';

/**
 * Reads the rows of a StateTable datafile (state-table.ts) WITHOUT nedb:
 * nedb rewrites (compacts) a datafile whenever it loads one, which is a
 * write, and two processes writing one datafile lose each other's writes.
 * Reading the file as it stands is what lets `plan` and `drift` run while
 * an `apply` holds the stack (reconciler/state/read-only-state.ts).
 *
 * The format is nedb's append log: one JSON document per line, a later
 * line for an `_id` replacing an earlier one, `{"$$deleted": true, "_id"}`
 * removing it, `$$indexCreated` lines describing indexes (skipped).
 *
 * Contract:
 * - MUST NOT create, modify or rename any file.
 * - A line that does not parse is skipped: the only one expected is the
 *   last, half-appended by a writer at this very moment. Its row is then
 *   read as it was before that write.
 * - A missing datafile whose crash-safe copy (`<file>~`) exists is read
 *   from the copy, as nedb's own load would recover it; neither: no rows.
 */

interface Line {
  _id?: unknown;
  seq?: unknown;
  json?: unknown;
  $$deleted?: unknown;
  $$indexCreated?: unknown;
}

async function readText(filename: string): Promise<string> {
  for (const name of [filename, `${filename}~`]) {
    try {
      return await readFile(name, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return '';
}

/**
 * The rows of `filename`, in insertion order (their `seq`).
 *
 * @example
 * const records = await readDatafile<ResourceRecord>('.novaform/state/web/resources.db');
 * records.map((r) => r.id) // ['Flavor/m1', 'Server/web-1']
 */
export async function readDatafile<T extends { id: string }>(filename: string): Promise<T[]> {
  const docs = new Map<string, { seq: number; json: string }>();
  let order = 0;
  for (const text of (await readText(filename)).split('\n')) {
    if (text.trim() === '') continue;
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      continue;
    }
    if (typeof line._id !== 'string') continue;
    if (line.$$deleted === true) {
      docs.delete(line._id);
      continue;
    }
    if (typeof line.json !== 'string') continue;
    docs.set(line._id, { seq: typeof line.seq === 'number' ? line.seq : order, json: line.json });
    order += 1;
  }
  const rows: Array<{ seq: number; row: T }> = [];
  for (const { seq, json } of docs.values()) {
    try {
      rows.push({ seq, row: JSON.parse(json) as T });
    } catch {
      // A row the store never wrote this way: not ours to interpret.
    }
  }
  return rows.sort((a, b) => a.seq - b.seq).map((entry) => entry.row);
}
