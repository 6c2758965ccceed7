import { join } from 'node:path';
import { STATE_DIR } from '../reconciler/session/stack-session.ts';
import type { ControllerRecords, ControllerRecordsOptions } from '../reconciler/state/controller-records.ts';
import { controllerFolder, openFileControllerStore, type FileControllerRecords } from '../reconciler/state/file-controller-store.ts';
import type { ControllerStatus } from './controller-model.ts';

/**
 * Where `novaform watch` and the status / events / approve / suspend /
 * resume commands meet: the stack's controller records, kept by the state
 * backend the project chooses (reconciler/state/controller-records.ts has
 * the contract; `StateBackend.controllerStore(stack)` opens them). On files
 * they are the folder `<projectDir>/.novaform/controller/<stack>/`; on
 * PostgreSQL, rows every machine using the database shares.
 */

export type { SuspendMarker } from '../reconciler/state/controller-records.ts';

/** The controller's records with its status document. */
export type ControllerStore = ControllerRecords<ControllerStatus>;

/**
 * The controller folder of `stack` in a project (the files backend).
 *
 * @example
 * controllerDir('/srv/infra', 'web') // '/srv/infra/.novaform/controller/web'
 */
export function controllerDir(projectDir: string, stack: string): string {
  return controllerFolder(join(projectDir, STATE_DIR), stack);
}

/**
 * The files store of `stack` in `projectDir` (nothing is created until
 * something is written); a bad stack name throws. Callers that follow the
 * project's backend use `StateBackend.controllerStore` instead.
 *
 * @example
 * const store = openControllerStore('/srv/infra', 'web');
 * await store.suspend({ by: 'cli:ops@host' });
 */
export function openControllerStore(projectDir: string, stack: string, options: ControllerRecordsOptions = {}): FileControllerRecords<ControllerStatus> {
  return openFileControllerStore<ControllerStatus>(join(projectDir, STATE_DIR), stack, options);
}
