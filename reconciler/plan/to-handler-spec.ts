import type { AggregateSpec } from '../../provider/resources/aggregate/aggregate-spec.ts';
import { normalizeAggregateSpec } from '../../provider/resources/aggregate/aggregate-spec.ts';
import { normalizeFlavorSpec, type FlavorSpec } from '../../provider/resources/flavor/flavor-spec.ts';
import { normalizeKeypairSpec, type KeypairSpec } from '../../provider/resources/keypair/keypair-spec.ts';
import { normalizeServerSpec, type ServerNetworks, type ServerSpecInput, type ServerVolume } from '../../provider/resources/server/server-spec.ts';
import { normalizeVolumeSpec, type VolumeSpec } from '../../provider/resources/volume/volume-spec.ts';
import type { Kind } from '../../provider/resources/types.ts';
import type { Manifest, ServerManifestSpec } from '../manifests/manifest-types.ts';
import type { Pinned } from './cloud-lookup.ts';
import type { RefResolver } from './executable-plan.ts';

/**
 * Manifest specs -> the handlers' resolved specs (`FlavorSpec`, ...,
 * `ServerSpec`), normalized. `name` is `metadata.name`, the cloud name.
 * References to cloud objects no manifest defines are pinned at plan time
 * (`pinned`, keyed `Kind/name-as-written`: `Image/cirros`); references to
 * manifests go through the RefResolver, because their ids exist only once
 * the executor has created them. Pure.
 */

/**
 * The id a spec carries for a dependency that does not exist yet. Unique
 * per dependency (two new volumes are two entries), and refused by any
 * cloud, so a spec built before its dependencies exist fails loudly
 * instead of silently dropping a field.
 */
export function knownAfterApply(kind: Kind, name: string): string {
  return `(known after apply: ${kind} ${name})`;
}

export function isKnownAfterApply(id: string): boolean {
  return id.startsWith('(known after apply');
}

type Ref = (kind: 'Flavor' | 'Keypair' | 'Volume', name: string) => { id: string; name: string; managed: boolean };

function networksOf(networks: ServerManifestSpec['networks']): ServerNetworks {
  if (networks === undefined || typeof networks === 'string') return networks ?? 'auto';
  return networks.map((n) => ({
    ...(n.network !== undefined ? { uuid: n.network } : {}),
    ...(n.port !== undefined ? { port: n.port } : {}),
    ...(n.fixedIp !== undefined ? { fixedIp: n.fixedIp } : {}),
  }));
}

function imageOf(pinned: ReadonlyMap<string, Pinned>, name: string): string {
  const image = pinned.get(`Image/${name}`);
  // The planner pins every image before it builds a spec; a miss is a planner bug, not a user error.
  if (!image) throw new Error(`image '${name}' was not pinned at plan time`);
  return image.id;
}

const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

function serverSpec(manifest: Extract<Manifest, { kind: 'Server' }>, ref: Ref, pinned: ReadonlyMap<string, Pinned>) {
  const s = manifest.spec;
  const flavor = ref('Flavor', s.flavor);
  const volumes: ServerVolume[] = (s.volumes ?? []).map((entry) => {
    const volume = ref('Volume', entry.volume);
    return defined({ volumeId: volume.id, device: entry.device, name: volume.managed ? entry.volume : undefined });
  });
  const spec: ServerSpecInput = defined({
    name: manifest.metadata.name,
    flavor: { id: flavor.id, name: flavor.name },
    image: imageOf(pinned, s.image),
    keypair: s.keypair !== undefined ? ref('Keypair', s.keypair).name : undefined,
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
}

/**
 * A function building the resolved, normalized handler spec of `manifest`.
 * Pure; MAY throw for a spec the handler refuses (a volume listed twice).
 *
 * @example
 * const build = specBuilder(serverManifest, new Map([['Image/cirros', { id: 'img-1', name: 'cirros' }]]));
 * build((kind, name) => ({ id: undefined, name })).flavor // { id: '(known after apply: Flavor m1.small)', name: 'm1.small' }
 */
export function specBuilder(manifest: Manifest, pinned: ReadonlyMap<string, Pinned>): (resolve: RefResolver) => unknown {
  return (resolve) => {
    const ref: Ref = (kind, name) => {
      const external = pinned.get(`${kind}/${name}`);
      if (external) return { ...external, managed: false };
      const found = resolve(kind, name);
      return { id: found.id ?? knownAfterApply(kind, name), name: found.name, managed: true };
    };
    const name = manifest.metadata.name;
    switch (manifest.kind) {
      case 'Flavor': {
        const { extraSpecs, ...rest } = manifest.spec;
        const spec: FlavorSpec = { name, ...rest, ...(extraSpecs ? { extraSpecs: Object.fromEntries(Object.entries(extraSpecs).map(([k, v]) => [k, String(v)])) } : {}) };
        return normalizeFlavorSpec(spec);
      }
      case 'Keypair': {
        const { publicKey, type, deletionPolicy } = manifest.spec;
        return normalizeKeypairSpec(defined<KeypairSpec>({ name, publicKey, type, deletionPolicy }));
      }
      case 'Volume': {
        const { image, ...rest } = manifest.spec;
        return normalizeVolumeSpec(defined<VolumeSpec>({ name, ...rest, image: image !== undefined ? imageOf(pinned, image) : undefined }));
      }
      case 'Aggregate':
        return normalizeAggregateSpec(defined<AggregateSpec>({ name, ...manifest.spec }));
      case 'Server':
        return serverSpec(manifest, ref, pinned);
    }
  };
}
