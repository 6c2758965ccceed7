import type { ControllerStatus } from '../controller/controller-model.ts';
import type { ControllerStore } from '../controller/controller-store.ts';
import type { StackResolution } from '../reconciler/stack.ts';
import type { StateBackend } from '../reconciler/state/state-backend.ts';
import { asBackendRefusal, openChosenBackend, type BackendChoice } from './state-backend-choice.ts';

/**
 * The controller records (approvals, suspend mark, status, events) of a
 * project's stack, kept by the backend the project chooses
 * (state-backend-choice.ts): the folder `.novaform/controller/<stack>/` on
 * files, the database's rows on PostgreSQL, through
 * `StateBackend.controllerStore` (no switch on the backend's type here).
 *
 * Contract:
 * - The store owns the backend it opened: `close()` stops its watches and
 *   closes the backend. The caller MUST call it.
 * - Errors the operator fixes (a bad location, an unreachable database)
 *   are one-line CliErrors (asBackendRefusal), from the open or any call.
 */

/**
 * Opens the chosen backend now (so a bad `--backend` fails at once) and
 * returns the stack's store over it.
 *
 * @example
 * const store = await openChosenControllerStore(chooseBackend(values.backend, io.env, project), project);
 * try { await store.suspend({ by: 'cli:ops@host' }); } finally { await store.close(); }
 */
export async function openChosenControllerStore(choice: BackendChoice, project: Pick<StackResolution, 'projectDir' | 'stack'>): Promise<ControllerStore> {
  const backend = await openChosenBackend(choice, project.projectDir);
  return owningStore(() => Promise.resolve(backend), backend.controllerStore<ControllerStatus>(project.stack), project.stack, choice);
}

/**
 * The stack's store over the chosen backend, opened on first use: for
 * `novaform watch`, which needs the store before it runs.
 *
 * @example
 * const store = lazyChosenControllerStore(chooseBackend(options.backend, io.env, project), project);
 * const stop = store.watch(() => controller.refreshMarks());
 */
export function lazyChosenControllerStore(choice: BackendChoice, project: Pick<StackResolution, 'projectDir' | 'stack'>): ControllerStore {
  return owningStore(() => openChosenBackend(choice, project.projectDir), undefined, project.stack, choice);
}

function owningStore(open: () => Promise<StateBackend>, opened: ControllerStore | undefined, stack: string, choice: BackendChoice): ControllerStore {
  // An eager store's backend is open already: hold it from the start, so close() closes it.
  let backend: Promise<StateBackend> | undefined = opened ? open() : undefined;
  let inner = opened;
  let closed = false;
  const store = async (): Promise<ControllerStore> => {
    if (closed) throw new Error(`the controller records of stack '${stack}' are closed`);
    if (inner) return inner;
    backend ??= open();
    backend.catch(() => { backend = undefined; });
    inner ??= (await backend).controllerStore<ControllerStatus>(stack);
    return inner;
  };
  const call = async <T>(work: (s: ControllerStore) => Promise<T>): Promise<T> => {
    try {
      return await work(await store());
    } catch (error) {
      throw asBackendRefusal(error);
    }
  };
  return {
    get location() { return inner?.location ?? `the backend of ${choice.source}`; },
    stack,
    writeStatus: (status) => call((s) => s.writeStatus(status)),
    readStatus: () => call((s) => s.readStatus()),
    appendEvent: (event) => call((s) => s.appendEvent(event)),
    readEvents: (range) => call((s) => s.readEvents(range)),
    grantApproval: (approval) => call((s) => s.grantApproval(approval)),
    approvals: () => call((s) => s.approvals()),
    consumeApproval: (key) => call((s) => s.consumeApproval(key)),
    suspend: (marker) => call((s) => s.suspend(marker)),
    resume: () => call((s) => s.resume()),
    suspended: () => call((s) => s.suspended()),
    watch(onChange) {
      let stop: (() => void) | undefined;
      let stopped = false;
      // Opening fails only as every other call would: those report it.
      void store().then((s) => { if (!stopped) stop = s.watch(onChange); }, () => undefined);
      return () => {
        stopped = true;
        stop?.();
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await inner?.close();
      const owned = await backend?.catch(() => undefined);
      await owned?.close();
    },
  };
}
