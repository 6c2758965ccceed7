import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Whole-file writes a reader never sees half done: the content goes to a
 * temp file in the same directory (so rename stays on one filesystem), is
 * flushed, then renamed over the target. A crash leaves the old file or the
 * new one, plus at worst a stray temp file whose name starts with `.` and
 * ends with `.tmp` (readers of a folder MUST skip such names).
 */

/** True for the temp files `writeFileAtomic` leaves behind while writing (or after a crash). */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith('.tmp');
}

/**
 * Replaces `path` with `content` atomically, creating its directory.
 *
 * @example
 * await writeFileAtomic('/p/.novaform/controller/web/status.json', '{ "version": 1 }\n');
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  // The controller's files sit in the stack's .novaform folder: private like the state (reconciler/state/private-files.ts).
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  const file = await open(temp, 'wx', 0o600);
  try {
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Pretty JSON with a final newline: the controller's files are read by people too. */
export function prettyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * The parsed JSON of `path`, or undefined when the file does not exist.
 * Unparseable content is an Error naming the file.
 *
 * @example
 * const marker = await readJsonFile<{ at: string }>('/p/.novaform/controller/web/suspended.json');
 */
export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
  }
}
