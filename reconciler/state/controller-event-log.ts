import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from './atomic-file.ts';
import { storedEvent, type StoredControllerEvent as ControllerEvent } from './controller-records.ts';

/**
 * The controller's events as JSON lines (`events.jsonl`), one event a line,
 * oldest first, so `tail -f` and `jq` work on it too.
 *
 * Contract:
 * - `seq` MUST increase by one per event, also across restarts and across
 *   processes that append one after another: before appending, the log
 *   re-reads the file whenever its size is not the one this process last
 *   left, so it continues from the newest stored seq.
 * - The file is bounded: once it holds more than `2 * keep` lines it is
 *   rewritten atomically with the newest `keep` (the rewrite is rare, the
 *   appends stay O(1)).
 * - Two processes appending at the very same moment could both take one
 *   seq; the controller's lease makes one appender at a time the rule.
 * - A line torn by a crash is skipped by readers and never glued to the
 *   next event.
 * - Messages go through `redactMessage` (controller-records.ts `storedEvent`):
 *   no credential reaches the file.
 */

export interface EventLog {
  append(event: Omit<ControllerEvent, 'seq'>): Promise<ControllerEvent>;
  read(options?: { since?: number; limit?: number }): Promise<ControllerEvent[]>;
}

interface Scan {
  /** Bytes of the file as this process last saw or left it. */
  size: number;
  lastSeq: number;
  lines: number;
  /** The file does not end with a newline (a torn last write). */
  torn: boolean;
}

function parseLines(text: string): ControllerEvent[] {
  const events: ControllerEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const event = JSON.parse(line) as ControllerEvent;
      if (typeof event?.seq === 'number') events.push(event);
    } catch {
      // A torn line from a crash mid-append: the events around it still count.
    }
  }
  return events;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/**
 * The event log at `path`, keeping the newest `keep` events (default 1000).
 *
 * @example
 * const log = openEventLog('/p/.novaform/controller/web/events.jsonl');
 * const event = await log.append({ time: new Date().toISOString(), level: 'info', reason: 'Started', message: 'watching 3 files' });
 * event.seq // one more than the newest stored event
 */
export function openEventLog(path: string, keep = 1000): EventLog {
  let scan: Scan | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  // Appends of one process run one at a time, so seq and the line count stay exact.
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  async function rescan(): Promise<Scan> {
    const text = await readText(path);
    const events = parseLines(text);
    return {
      size: Buffer.byteLength(text),
      lastSeq: events.reduce((max, e) => Math.max(max, e.seq), 0),
      lines: events.length,
      torn: text.length > 0 && !text.endsWith('\n'),
    };
  }

  async function compact(): Promise<Scan> {
    const events = parseLines(await readText(path)).slice(-keep);
    const text = events.map((e) => `${JSON.stringify(e)}\n`).join('');
    await writeFileAtomic(path, text);
    return { size: Buffer.byteLength(text), lastSeq: events.at(-1)?.seq ?? 0, lines: events.length, torn: false };
  }

  return {
    append: (event) => serialized(async () => {
      const size = (await stat(path).catch(() => undefined))?.size ?? 0;
      if (scan === undefined || scan.size !== size) scan = await rescan();
      const stored = storedEvent(scan.lastSeq + 1, event);
      const line = `${scan.torn ? '\n' : ''}${JSON.stringify(stored)}\n`;
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      await appendFile(path, line, { mode: 0o600 });
      scan = { size: scan.size + Buffer.byteLength(line), lastSeq: stored.seq, lines: scan.lines + 1, torn: false };
      if (scan.lines > 2 * keep) scan = await compact();
      return stored;
    }),
    async read(options = {}) {
      const since = options.since ?? 0;
      const events = parseLines(await readText(path)).filter((e) => e.seq > since);
      if (options.limit === undefined) return events;
      return options.limit <= 0 ? [] : events.slice(-options.limit);
    },
  };
}
