import { createHash } from 'node:crypto';
import type { ServerManifestSpec } from '../../../schemas/spec-types.ts';
import { isNotFound } from '../../openstack/errors.ts';
import type { Clients } from '../../openstack/openstack-client.ts';
import { defined } from '../defined.ts';
import type { KindModule, SpecReference } from '../kind.ts';
import { stampOf, stampUpdates } from '../types.ts';
import { createServer } from './server-create.ts';
import { diffServer } from './server-diff.ts';
import type { ServerObserved } from './server-observed.ts';
import { listNewestServers, listServers, readServer } from './server-read.ts';
import { serverToManifest } from './server-manifest.ts';
import { checkServerManifest, checkServerManifestSet } from './server-manifest-checks.ts';
import { serverQuotaDemand } from './server-quota.ts';
import { errorDecision, faultReason, serverReadiness } from './server-readiness.ts';
import { normalizeServerSpec, serverReferences, type ServerNetworks, type ServerSpec, type ServerSpecInput, type ServerVolume } from './server-spec.ts';
import { updateServer } from './server-update.ts';
import { waitForServerGone, type ServerWaitOptions } from './server-wait.ts';
import { serverTerraform } from './server-terraform.ts';

export type ServerHandler = KindModule<ServerSpec, ServerObserved, ServerManifestSpec>;

function networksOf(networks: ServerManifestSpec['networks']): ServerNetworks {
  if (networks === undefined || typeof networks === 'string') return networks ?? 'auto';
  return networks.map((n) => defined({ uuid: n.network, port: n.port, fixedIp: n.fixedIp }));
}

/** The references a Server manifest makes, in field order. Pure. */
function manifestReferences(spec: ServerManifestSpec): SpecReference[] {
  const refs: SpecReference[] = [
    { target: 'Flavor', name: spec.flavor, path: ['spec', 'flavor'] },
    { target: 'Image', name: spec.image, path: ['spec', 'image'] },
  ];
  if (spec.keypair !== undefined) refs.push({ target: 'Keypair', name: spec.keypair, path: ['spec', 'keypair'] });
  if (spec.serverGroup !== undefined) refs.push({ target: 'ServerGroup', name: spec.serverGroup, path: ['spec', 'serverGroup'] });
  if (spec.availabilityZone !== undefined) refs.push({ target: 'AvailabilityZone', name: spec.availabilityZone, path: ['spec', 'availabilityZone'] });
  (spec.volumes ?? []).forEach((entry, index) => refs.push({ target: 'Volume', name: entry.volume, path: ['spec', 'volumes', index, 'volume'] }));
  return refs;
}

/** POST /servers/{id}/metadata merges; DELETE per key (404: already gone). */
async function setServerMetadata(api: Clients, id: string, set: Record<string, string>, remove: readonly string[]): Promise<void> {
  const base = `/servers/${encodeURIComponent(id)}/metadata`;
  if (Object.keys(set).length > 0) await api.compute.post(base, { metadata: set }, { idempotent: true });
  for (const key of remove) {
    try {
      await api.compute.delete(`${base}/${encodeURIComponent(key)}`);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

/**
 * The Server kind: Nova servers with ownership metadata, in-place updates,
 * resize + confirm, rebuild, power and volume attachments.
 *
 * - `create` sends one POST /servers with ownership metadata
 *   (`novaform:stack`, `novaform:name`, `novaform:retain`), networks, key,
 *   zone, metadata, description, tags (2.52+) and base64 user data, and
 *   returns the id; the executor records it and waits for the build.
 *   Volumes, `powerState: stopped` (and tags below 2.52) are applied by the
 *   update the next diff asks for.
 * - `diff` and `readiness` are pure (server-diff.ts, server-readiness.ts);
 *   a server that settles in ERROR follows the manifest's `onError`.
 * - `update` applies the given changes (server-update.ts); `replace` ones are refused.
 * - `delete` treats 404 as success and returns once GET answers 404.
 *
 * Every wait of `update` and `delete` is bounded by `options.timeoutMs` (default: wait.ts's Server timeout).
 *
 * @example
 * const handler = createServerHandler({ timeoutMs: 600_000 });
 * const spec = handler.fromManifest('web-1', { flavor: 'm1.small', image: 'cirros', networks: 'none' }, resolve);
 * const { id } = await handler.create(clients, { stack: 'prod', kind: 'Server', name: 'web-1' }, spec);
 */
export function createServerHandler(options: ServerWaitOptions = {}): ServerHandler {
  return {
    kind: 'Server',
    noun: 'server',
    rank: 5,
    holdsData: true,
    uniqueNames: false,
    volatileFields: ['updated', 'created', 'host', 'powerState'],
    listAll: listServers,
    listNewest: listNewestServers,
    stamp: (observed) => stampOf(observed.metadata),
    async restamp(api, observed, owner) {
      const { set, remove } = stampUpdates(owner, observed.metadata);
      await setServerMetadata(api, observed.id, set, remove);
      return (await readServer(api, observed.id)) ?? observed;
    },
    references: manifestReferences,
    fromManifest(name, s, resolve) {
      const flavor = resolve('Flavor', s.flavor);
      const volumes: ServerVolume[] = (s.volumes ?? []).map((entry) => {
        const volume = resolve('Volume', entry.volume);
        return defined({ volumeId: volume.id, device: entry.device, name: volume.managed ? entry.volume : undefined });
      });
      const spec: ServerSpecInput = defined({
        name,
        flavor: { id: flavor.id, name: flavor.name },
        image: resolve('Image', s.image).id,
        keypair: s.keypair !== undefined ? resolve('Keypair', s.keypair).name : undefined,
        serverGroup: s.serverGroup !== undefined ? (({ id, name }) => ({ id, name }))(resolve('ServerGroup', s.serverGroup)) : undefined,
        availabilityZone: s.availabilityZone,
        networks: networksOf(s.networks),
        metadata: { ...s.metadata },
        tags: s.tags,
        description: s.description,
        userData: s.userData,
        volumes,
        powerState: s.powerState,
        onError: s.onError,
      });
      return normalizeServerSpec(spec);
    },
    toManifest: serverToManifest,
    terraform: serverTerraform,
    digestView(observed) {
      // The network names count, the addresses do not; user data only as a digest.
      const view: Record<string, unknown> = { ...observed, addresses: Object.keys(observed.addresses ?? {}).sort() };
      if (typeof observed.userData === 'string') view.userData = `sha256:${createHash('sha256').update(observed.userData, 'utf8').digest('hex')}`;
      return view;
    },
    onFailed: errorDecision,
    // A rebuild keeps the id, addresses and volumes; a volume-backed server (no image) is replaced.
    renewal: (observed) => (observed.imageId !== undefined ? 'rebuild' : undefined),
    attachments: (observed) => observed.volumeIds,
    detaches: (changes) => changes.flatMap((c) => (c.apply === 'detach' ? [(c.from as { volumeId?: string } | undefined)?.volumeId].filter((id): id is string => id !== undefined) : [])),
    // Drift: the readiness the executor waits on, plus a server stopped while its manifest wants it running.
    health(observed, declared) {
      const readiness = serverReadiness(observed);
      if (readiness.state === 'failed') {
        return { healthy: false, message: observed.status === 'ERROR' ? `server is ERROR: ${faultReason(observed)}` : `server is ${observed.status}: ${readiness.reason}` };
      }
      if (readiness.state === 'pending') return { healthy: true, transition: `server is in transition (${readiness.reason}); compared once it settles` };
      if (observed.status === 'SHUTOFF' && (declared.powerState ?? 'running') === 'running') {
        return { healthy: false, message: 'server is SHUTOFF (stopped outside novaform); the manifest wants it running' };
      }
      return { healthy: true };
    },
    mapFields: [{ field: 'metadata' }],
    builtFrom: (observed, reference) => (reference.target === 'Image' ? observed.imageId : undefined),
    checkManifest: checkServerManifest,
    checkManifestSet: checkServerManifestSet,
    quotaDemand: serverQuotaDemand,
    normalize: normalizeServerSpec,
    specReferences: serverReferences,
    read: (api: Clients, id: string) => readServer(api, id),
    diff: diffServer,
    create: (api, owner, spec) => createServer(api, owner, spec),
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

/** The Server kind with the default waits. */
export const serverHandler: ServerHandler = createServerHandler();

export { errorDecision } from './server-readiness.ts';
