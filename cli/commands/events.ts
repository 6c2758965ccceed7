import type { ControllerEvent } from '../../controller/controller-model.ts';
import { eventLine } from '../../controller/status-text.ts';
import { stackNameProblem } from '../../reconciler/stack.ts';
import { CliError } from '../cli-error.ts';
import { eventsCommand } from '../commands.ts';
import { parseCommandLine } from '../parse-command-line.ts';
import { openStoreFor, processControllerIo, type ControllerIo } from './controller-cli.ts';

/** How often `--follow` looks for new events. */
const FOLLOW_POLL_MS = 300;

type EventsFormat = 'text' | 'json';
const FORMATS: readonly EventsFormat[] = ['text', 'json'];

/** Stops `--follow`: in-process callers pass a signal; the command line stops on SIGINT or SIGTERM. */
export interface EventsIo extends ControllerIo {
  readonly signal?: AbortSignal;
}

function integer(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${flag}: expected an integer >= ${min}, got '${text}'`, 1);
  return n;
}

/** An AbortSignal that fires on SIGINT or SIGTERM, and the function that removes the handlers. */
function processSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { signal: controller.signal, dispose: () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); } };
}

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(done, ms);
  function done() {
    clearTimeout(timer);
    signal.removeEventListener('abort', done);
    resolve();
  }
  signal.addEventListener('abort', done, { once: true });
});

/**
 * `novaform events`: the controller's events as the project's backend
 * keeps them (events.jsonl on files, rows on PostgreSQL), oldest first (`--limit N`: the newest N; `--since SEQ`:
 * those after SEQ). `--follow` keeps printing events as the controller
 * appends them (polling ~300 ms) until SIGINT or SIGTERM, then exits 0.
 * Text: `TIME LEVEL REASON KEY MESSAGE`; json: one event (JSON) per line.
 */
export async function run(argv: string[], io: EventsIo = processControllerIo()): Promise<number> {
  const { values, positionals } = parseCommandLine(eventsCommand, argv);
  const output = values.output as EventsFormat;
  if (!FORMATS.includes(output)) throw new CliError(`--output: expected ${FORMATS.join(' or ')}, got '${values.output}'`, 1);
  if (values.stack !== undefined) {
    const problem = stackNameProblem(values.stack);
    if (problem) throw new CliError(`--stack: ${problem}`, 1);
  }
  const since = integer('since', values.since, 0) ?? 0;
  const limit = integer('limit', values.limit, 1);
  const { store, paths } = await openStoreFor(positionals, values.stack, { backend: values.backend, env: io.env, cwd: io.cwd });
  try {
    const print = (events: readonly ControllerEvent[]) => {
      if (events.length > 0) io.stdout.write(events.map((e) => `${output === 'json' ? JSON.stringify(e) : eventLine(e)}\n`).join(''));
    };
    const read = async (options: { since: number; limit?: number }) => {
      try {
        return await store.readEvents(options);
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw new CliError(`${store.location}: ${(error as Error).message}`, 1);
      }
    };

    const first = await read({ since, limit });
    if (!values.follow) {
      if (first.length === 0 && (await read({ since: 0, limit: 1 })).length === 0 && (await store.readStatus().catch(() => undefined)) === undefined) {
        throw new CliError(`no controller events for stack '${store.stack}' (nothing in ${store.location}); start one with: novaform watch ${paths.join(' ')}`, 1);
      }
      print(first);
      return 0;
    }
    print(first);
    const fromProcess = io.signal ? undefined : processSignal();
    const signal = io.signal ?? fromProcess!.signal;
    // Follow from the newest event seen, so --limit's window is not printed twice.
    let last = first.at(-1)?.seq ?? Math.max(since, (await read({ since: 0, limit: 1 })).at(-1)?.seq ?? 0);
    try {
      while (!signal.aborted) {
        await sleep(FOLLOW_POLL_MS, signal);
        if (signal.aborted) break;
        const next = await read({ since: last });
        print(next);
        last = next.at(-1)?.seq ?? last;
      }
      return 0;
    } finally {
      fromProcess?.dispose();
    }
  } finally {
    await store.close();
  }
}
