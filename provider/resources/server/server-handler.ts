import { isNotFound } from '../../openstack/errors.ts';
import type { Clients } from '../../openstack/openstack-client.ts';
import type { ResourceHandler } from '../types.ts';
import { createServer } from './server-create.ts';
import { diffServer } from './server-diff.ts';
import type { ServerObserved } from './server-observed.ts';
import { adoptServer, listOwnedServers, readServer } from './server-read.ts';
import { serverReadiness } from './server-readiness.ts';
import { normalizeServerSpec, serverReferences, type ServerSpec } from './server-spec.ts';
import { updateServer } from './server-update.ts';
import { waitForServerGone, type ServerWaitOptions } from './server-wait.ts';

export type ServerHandler = ResourceHandler<ServerSpec, ServerObserved>;

/**
 * The Server kind: Nova servers with ownership metadata, in-place updates,
 * resize + confirm, rebuild, power and volume attachments.
 *
 * - `create` sends one POST /servers with ownership metadata
 *   (`novaform:stack`, `novaform:name`), networks, key, zone, metadata,
 *   description, tags (2.52+) and base64 user data, and waits until the
 *   server has settled. A build that ends in ERROR is returned (see
 *   `readiness` and `errorDecision`), not thrown. A POST whose outcome is
 *   unknown is never re-sent: the server is looked up by ownership.
 *   Volumes, `powerState: stopped` (and tags below 2.52) are applied by the
 *   update the next diff asks for: create runs nothing that can fail after
 *   the POST but the wait.
 * - `adopt` and `list` read /servers/detail once and match the ownership
 *   metadata; two servers with one owner throw `AmbiguousOwnershipError`.
 * - `diff` and `readiness` are pure (server-diff.ts, server-readiness.ts).
 * - `update` applies the given changes (server-update.ts); `replace` ones are refused.
 * - `delete` treats 404 as success and returns once GET answers 404.
 *
 * Every wait is bounded by `options.timeoutMs` (default: wait.ts's Server timeout).
 *
 * @example
 * const handler = createServerHandler({ timeoutMs: 600_000 });
 * const owner = { stack: 'prod', kind: 'Server', name: 'web-1' } as const;
 * const spec = handler.normalize({ name: 'web-1', flavor: { id: flavorId, name: 'm1.small' }, image: imageId, networks: 'none' });
 * const server = (await handler.adopt(clients, owner, spec)) ?? await handler.create(clients, owner, spec);
 * const changes = handler.diff(spec, server, { computeAtLeast: (ma, mi) => clients.computeVersion.atLeast(ma, mi) });
 * if (changes.length > 0 && !changes.some((c) => c.apply === 'replace')) await handler.update(clients, server, spec, changes);
 */
export function createServerHandler(options: ServerWaitOptions = {}): ServerHandler {
  return {
    kind: 'Server',
    normalize: normalizeServerSpec,
    references: serverReferences,
    read: (api: Clients, id: string) => readServer(api, id),
    adopt: (api, owner) => adoptServer(api, owner),
    list: (api, stack) => listOwnedServers(api, stack),
    diff: diffServer,
    create: (api, owner, spec) => createServer(api, owner, spec, options),
    update: (api, observed, desired, changes) => updateServer(api, observed, desired, changes, options),
    async delete(api, observed) {
      try {
        await api.compute.delete(`/servers/${encodeURIComponent(observed.id)}`);
      } catch (error) {
        if (isNotFound(error)) return;
        throw error;
      }
      await waitForServerGone(api, observed.id, options);
    },
    readiness: serverReadiness,
  };
}

/** The Server handler with the default waits. */
export const serverHandler: ServerHandler = createServerHandler();

export { errorDecision } from './server-readiness.ts';
export { AmbiguousOwnershipError } from './server-read.ts';
