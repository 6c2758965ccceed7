import type { Clients } from '../../openstack/openstack-client.ts';
import type { Readiness } from '../types.ts';
import { waitFor, waitUntilGone, type WaitOptions } from '../wait.ts';
import type { ServerObserved } from './server-observed.ts';
import { readServer } from './server-read.ts';

/**
 * How long and how often the server handler polls. Every wait of the
 * handler (build, rebuild, resize, confirm, power, attach, detach, delete)
 * uses these; `timeoutMs` bounds each wait on its own.
 */
export type ServerWaitOptions = Pick<WaitOptions, 'timeoutMs' | 'minIntervalMs' | 'maxIntervalMs' | 'factor' | 'signal'>;

/** Polls the server until `readiness` says ready (throws on failed, gone or timeout; see wait.ts). */
export function waitForServer(
  api: Clients,
  id: string,
  readiness: (observed: ServerObserved) => Readiness,
  options: ServerWaitOptions,
  purpose: string,
): Promise<ServerObserved> {
  return waitFor(() => readServer(api, id), readiness, { ...options, kind: 'Server', what: `server ${id} (${purpose})` });
}

/** Polls until GET /servers/{id} answers 404. */
export function waitForServerGone(api: Clients, id: string, options: ServerWaitOptions): Promise<void> {
  return waitUntilGone(() => readServer(api, id), {
    ...options,
    kind: 'Server',
    what: `server ${id} (delete)`,
    // Nova puts a server whose delete failed in ERROR with the task cleared.
    failed: (observed) => (observed.status === 'ERROR' && !observed.taskState ? observed.fault?.message ?? 'the delete left it in ERROR' : undefined),
  });
}
