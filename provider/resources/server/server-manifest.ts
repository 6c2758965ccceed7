import type { ServerManifestSpec } from '../../../schemas/spec-types.ts';
import { defined } from '../defined.ts';
import { described, manifestNameProblem, unwritableNote, userKeys, type DescribedObject, type ReferenceNamer } from '../to-manifest.ts';
import type { ServerObserved } from './server-observed.ts';
import { observedPowerState, serverReadiness } from './server-readiness.ts';

/** Why no manifest can declare the server as it is, or undefined. */
function unexpressible(observed: ServerObserved): string | undefined {
  const readiness = serverReadiness(observed);
  if (observed.status === 'ERROR') return `server ${observed.id} is ERROR (${readiness.state === 'failed' ? readiness.reason : 'no fault'}): a manifest declares a running or stopped server`;
  if (readiness.state === 'failed') return `server ${observed.id} is ${observed.status}: a manifest declares a running or stopped server`;
  if (readiness.state === 'pending') return `server ${observed.id} is in transition (${readiness.reason}): describe it once it settles`;
  // Nova shows `image: ""` for a server booted from a volume; the Server kind boots from an image only.
  if (observed.imageId === undefined) return `server ${observed.id} was booted from a volume: the Server kind declares servers booted from an image`;
  const nameProblem = manifestNameProblem(observed.name);
  if (nameProblem) return `server ${observed.id}: ${nameProblem}`;
  return undefined;
}

/**
 * Pure: the Server manifest spec that declares `observed` (the module's
 * `toManifest`). References are written as `names` says, else by id (the
 * flavor by the name Nova shows from 2.47). Left out: defaults
 * (`powerState: running`, no tags, no description, `onError`), the
 * ownership metadata, and the zone when the server is not scheduled yet.
 * The notes say what the cloud does not show: the networks asked for at
 * boot (Nova shows the addresses by network name; `none` is written only
 * for a server without any), user data hidden from non-admins, and the
 * server group when the object came from a listing (only a server's own
 * GET shows it, from 2.71). A server in ERROR, PAUSED, ..., in
 * transition, or booted from a volume is unexpressible.
 *
 * @example
 * serverToManifest(observed, (target, id) => (target === 'Image' && id === cirrosId ? 'cirros' : undefined))
 * // { name: 'web-1', spec: { flavor: 'm1.small', image: 'cirros', networks: 'none', powerState: 'stopped' }, notes: [...] }
 */
export function serverToManifest(observed: ServerObserved, names: ReferenceNamer): DescribedObject<ServerManifestSpec> {
  const reason = unexpressible(observed);
  if (reason !== undefined) return { unexpressible: reason };
  const flavor = observed.flavor.name ?? (observed.flavor.id !== undefined ? names('Flavor', observed.flavor.id) ?? observed.flavor.id : undefined);
  if (flavor === undefined) return { unexpressible: `server ${observed.id}: the cloud shows neither its flavor's name nor its id` };
  const imageId = observed.imageId!;
  const notes: string[] = [];

  const networkNames = Object.keys(observed.addresses).sort();
  if (networkNames.length > 0) {
    notes.push(`the server has addresses on ${networkNames.join(', ')}, but Nova does not show which networks or ports it was booted with: `
      + 'spec.networks is left to the default (auto); write the network ids or ports if it was booted on given ones');
  }
  if (observed.userData === undefined) {
    notes.push('Nova shows user data to admins only: if the server has any, add it as spec.userData');
  }
  const group = observed.serverGroups?.[0];
  if (observed.serverGroups === undefined) {
    notes.push("Nova shows a server's group only on its own GET (compute 2.71+): if the server is in a server group, add spec.serverGroup");
  }
  const metadata = userKeys(observed.metadata);
  notes.push(...unwritableNote('spec.metadata', metadata.unwritable));

  const spec = defined<ServerManifestSpec>({
    flavor,
    image: names('Image', imageId) ?? imageId,
    keypair: observed.keyName !== null ? names('Keypair', observed.keyName) ?? observed.keyName : undefined,
    serverGroup: group !== undefined ? names('ServerGroup', group) ?? group : undefined,
    // The zone is written as the cloud shows it: the default is "the cloud's", which only the cloud knows.
    availabilityZone: observed.availabilityZone ? observed.availabilityZone : undefined,
    networks: networkNames.length === 0 ? 'none' : undefined,
    metadata: metadata.keys,
    tags: observed.tags !== undefined && observed.tags.length > 0 ? [...observed.tags].sort() : undefined,
    description: observed.description ? observed.description : undefined,
    userData: typeof observed.userData === 'string' && observed.userData !== '' ? observed.userData : undefined,
    volumes: observed.volumeIds.length > 0 ? observed.volumeIds.map((id) => ({ volume: names('Volume', id) ?? id })) : undefined,
    powerState: observedPowerState(observed) === 'stopped' ? 'stopped' : undefined,
  });
  return described(observed.name, spec, notes);
}
