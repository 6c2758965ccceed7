import type { CloudObject } from '../../../provider/resources/kind.ts';
import type { Kind } from '../../../provider/resources/types.ts';
import type { Manifest } from '../../../reconciler/manifests/manifest-types.ts';
import type { CloudSnapshot } from '../../../reconciler/plan/read-cloud.ts';

/** Hand-made inputs for the planner's pure parts. */

/** A loaded manifest as the loader returns it; every path locates to its own line (the index of the path in `paths`). */
export function manifest(kind: Kind, name: string, spec: Record<string, unknown>, paths: string[] = []): Manifest {
  const file = `${kind.toLowerCase()}s.yaml`;
  return {
    apiVersion: 'novaform/v1', kind, metadata: { name }, spec, source: { file, line: 1, column: 1 }, dependsOn: [],
    locate: (path: string) => ({ file, line: paths.indexOf(path) + 2, column: 3 }),
  } as Manifest;
}

/** The plural keys the snapshot helper takes, and the kind each one lists. */
const PLURALS = { flavors: 'Flavor', keypairs: 'Keypair', volumes: 'Volume', aggregates: 'Aggregate', servers: 'Server' } as const satisfies Record<string, Kind>;

export type SnapshotParts = Partial<Record<keyof typeof PLURALS, readonly object[]>> & {
  images?: CloudSnapshot['images'];
  unavailable?: CloudSnapshot['unavailable'];
  /** More kinds, by kind name (a kind without a plural key here). */
  objects?: ReadonlyMap<Kind, readonly object[]>;
};

/** A generic snapshot (`objects` by kind) from plural keys: `snapshot({ servers: [...] })` lists them under 'Server'. */
export function snapshot(parts: SnapshotParts = {}): CloudSnapshot {
  const objects = new Map<Kind, CloudObject[]>([...(parts.objects ?? [])].map(([kind, list]) => [kind, [...list] as CloudObject[]]));
  for (const [key, kind] of Object.entries(PLURALS) as Array<[keyof typeof PLURALS, Kind]>) {
    objects.set(kind, [...(objects.get(kind) ?? []), ...((parts[key] ?? []) as CloudObject[])]);
  }
  return { objects, images: parts.images ?? [], unavailable: parts.unavailable ?? {} };
}

/** A settled server as `toServerObserved` makes it. */
export type Observed = { id: string } & Record<string, unknown>;

export function server(id: string, metadata: Record<string, string>, extra: Record<string, unknown> = {}): Observed {
  return { id, name: id, status: 'ACTIVE', taskState: null, flavor: { name: 'm1' }, imageId: 'img', keyName: null, metadata, volumeIds: [], addresses: {}, ...extra };
}

export function volume(id: string, name: string | null, metadata: Record<string, string> = {}, extra: Record<string, unknown> = {}): Observed {
  return { id, name, description: null, status: 'available', size: 1, volumeType: null, availabilityZone: 'nova', metadata, attachedTo: [], ...extra };
}

export function aggregate(id: string, name: string, hosts: string[], metadata: Record<string, string>, zone: string | null = null): Observed {
  return { id, name, availabilityZone: zone, hosts, metadata: zone ? { ...metadata, availability_zone: zone } : metadata };
}

export const owned = (stack: string, name: string) => ({ 'novaform:stack': stack, 'novaform:name': name });
