import { isKind } from '../../../provider/resources/registry.ts';
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

/** The listing keys tests write, by kind. */
const LISTINGS: Readonly<Record<string, Kind>> = { flavors: 'Flavor', keypairs: 'Keypair', volumes: 'Volume', aggregates: 'Aggregate', servers: 'Server', serverGroups: 'ServerGroup' };

/** A snapshot from per-kind listings written as `{ servers: [...], flavors: [...] }`, plus `images` and `unavailable`. */
export function snapshot(parts: Partial<Record<keyof typeof LISTINGS | 'images' | 'unavailable', unknown>> = {}): CloudSnapshot {
  const objects = new Map<Kind, Observed[]>();
  for (const [key, kind] of Object.entries(LISTINGS)) if (isKind(kind)) objects.set(kind, ((parts as Record<string, unknown>)[key] as Observed[] | undefined) ?? []);
  return { objects, images: (parts.images as CloudSnapshot['images'] | undefined) ?? [], unavailable: (parts.unavailable as CloudSnapshot['unavailable'] | undefined) ?? {} };
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
