import type { Ref } from '../types.ts';

/**
 * The resolved spec of a Server: the manifest's `spec` after the reconciler
 * has pinned its references to cloud objects (DESIGN.md "Manifests").
 * Manifest names are resolved before the handler sees the spec: `flavor`
 * carries the cloud flavor's id and name, `image` an image id, each volume
 * its Cinder id.
 */

/** One entry of an explicit network list (Nova's `{uuid|port|fixed_ip}`). */
export interface ServerNetwork {
  readonly uuid?: string;
  readonly port?: string;
  readonly fixedIp?: string;
}

/** `none`: no NIC; `auto`: Nova allocates one (needs Neutron's auto-allocated topology); or a list. */
export type ServerNetworks = 'none' | 'auto' | readonly ServerNetwork[];

/** A volume the manifest declares attached to the server. */
export interface ServerVolume {
  readonly volumeId: string;
  /** Requested device, e.g. '/dev/vdb'; the hypervisor may pick another, so it is not diffed. */
  readonly device?: string;
  /** The Volume manifest it came from, when it came from one (for `references`). */
  readonly name?: string;
}

export type ServerPowerState = 'running' | 'stopped';

/** What the reconciler does with a server in ERROR: report it, delete and create it again, or leave it. */
export type ServerOnError = 'fail' | 'recreate' | 'keep';

export interface ServerFlavorRef {
  readonly id: string;
  readonly name: string;
}

export interface ServerSpec {
  /** The server's name in the cloud (the reconciler passes the manifest name unless the spec says otherwise). */
  readonly name: string;
  readonly flavor: ServerFlavorRef;
  /** Image id. */
  readonly image: string;
  /** Keypair name; undefined = no key. */
  readonly keypair?: string;
  /** The server group the scheduler places it by (hint `group`); undefined = none. */
  readonly serverGroup?: ServerFlavorRef;
  /** Undefined = the cloud's default zone, and not diffed. */
  readonly availabilityZone?: string;
  readonly networks: ServerNetworks;
  /** Keys novaform manages; keys set by other tools are left alone (see server-diff.ts). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Undefined = tags are not managed; [] = no tags. A declared list replaces the cloud's tags. */
  readonly tags?: readonly string[];
  /** Undefined = not managed. */
  readonly description?: string;
  /** Plain text (cloud-init data); base64 on the wire. Undefined = none. */
  readonly userData?: string;
  readonly volumes: readonly ServerVolume[];
  readonly powerState: ServerPowerState;
  readonly onError: ServerOnError;
}

/** A spec as a manifest may leave it: defaults filled in by `normalizeServerSpec`. */
export type ServerSpecInput = Omit<ServerSpec, 'networks' | 'metadata' | 'volumes' | 'powerState' | 'onError'> &
  Partial<Pick<ServerSpec, 'networks' | 'metadata' | 'volumes' | 'powerState' | 'onError'>>;

/**
 * Fills in defaults and puts lists in a canonical order, so equal intents
 * compare equal. Pure.
 *
 * Defaults: `networks: 'auto'` (what the openstack CLI sends from 2.37 when
 * no NIC is given), `metadata: {}`, `volumes: []`, `powerState: 'running'`,
 * `onError: 'fail'`. Tags are de-duplicated and sorted (Nova keeps them as a
 * set and returns them sorted); volumes are sorted by id.
 *
 * @example
 * normalizeServerSpec({ name: 'web-1', flavor: { id: 'f1', name: 'm1.small' }, image: 'img', tags: ['b', 'a', 'b'] })
 * // → { ..., networks: 'auto', metadata: {}, tags: ['a', 'b'], volumes: [], powerState: 'running', onError: 'fail' }
 */
export function normalizeServerSpec(spec: ServerSpecInput): ServerSpec {
  const volumes = [...(spec.volumes ?? [])].sort((a, b) => a.volumeId.localeCompare(b.volumeId));
  const seen = new Set<string>();
  for (const volume of volumes) {
    if (seen.has(volume.volumeId)) throw new Error(`spec.volumes: volume ${volume.volumeId} is listed twice`);
    seen.add(volume.volumeId);
  }
  return {
    ...spec,
    networks: spec.networks ?? 'auto',
    metadata: { ...spec.metadata },
    ...(spec.tags !== undefined ? { tags: [...new Set(spec.tags)].sort() } : {}),
    volumes,
    powerState: spec.powerState ?? 'running',
    onError: spec.onError ?? 'fail',
  };
}

/**
 * What must exist before the server: its flavor and keypair (by the names the
 * spec carries) and the volumes that came from Volume manifests. The image is
 * not a managed kind. Pure.
 */
export function serverReferences(spec: ServerSpec): Ref[] {
  const refs: Ref[] = [{ kind: 'Flavor', name: spec.flavor.name, path: 'spec.flavor' }];
  if (spec.keypair !== undefined) refs.push({ kind: 'Keypair', name: spec.keypair, path: 'spec.keypair' });
  if (spec.serverGroup !== undefined) refs.push({ kind: 'ServerGroup', name: spec.serverGroup.name, path: 'spec.serverGroup' });
  spec.volumes.forEach((volume, index) => {
    if (volume.name !== undefined) refs.push({ kind: 'Volume', name: volume.name, path: `spec.volumes[${index}].volume` });
  });
  return refs;
}
