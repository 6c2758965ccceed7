import { kindModule, referencesOf } from '../../provider/resources/registry.ts';
import type { Kind } from '../../provider/resources/types.ts';
import type { Manifest } from '../manifests/manifest-types.ts';
import { KIND_ORDER } from './handlers.ts';
import { refSites, pinKey } from './pin-references.ts';
import type { ResourceKey } from './plan-model.ts';

/**
 * Pure: the edges of a plan. `dependsOn` is what a resource refers to
 * (its flavor, keypair, volumes, the aggregate defining its zone); the
 * `after` edges orient them for execution and add the orderings a cloud
 * imposes that no reference shows (a volume is deleted only once no server
 * has it attached; a host leaves one zone's aggregate before it joins another's).
 */

export const keyString = (key: ResourceKey) => `${key.kind}/${key.name}`;

export function keyFrom(text: string): ResourceKey {
  const slash = text.indexOf('/');
  return { kind: text.slice(0, slash) as Kind, name: text.slice(slash + 1) };
}

const KIND_RANK = new Map<string, number>(KIND_ORDER.map((kind, rank) => [kind, rank]));

/** Kind order then name: how every key list in a plan is sorted. */
export function sortKeys(keys: Iterable<string>): ResourceKey[] {
  const unique = [...new Set(keys)].map(keyFrom);
  if (unique.length < 2) return unique;
  return unique.sort((a, b) => KIND_RANK.get(a.kind)! - KIND_RANK.get(b.kind)! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * `Target/name -> manifest keys` of what manifests provide for cloud-only
 * targets (an Aggregate manifest's availability zone), from each kind
 * module's `provides`.
 *
 * @example
 * providedNames([gpuAggregate]).get('AvailabilityZone/gpu-az') // ['Aggregate/gpu']
 */
export function providedNames(manifests: readonly Manifest[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of manifests) {
    for (const ref of kindModule(m.kind).provides?.(m.spec) ?? []) {
      const key = `${ref.target}/${ref.name}`;
      out.set(key, [...(out.get(key) ?? []), keyString({ kind: m.kind, name: m.metadata.name })]);
    }
  }
  return out;
}

/**
 * What a declared manifest refers to among the plan's manifests: its
 * references by name, the Aggregate manifests that define its zone, and
 * whatever the loader linked (`manifest.dependsOn`).
 *
 * @example
 * declaredDependsOn(web1, new Set(['Flavor/m1.small', 'Aggregate/gpu']), new Map([['AvailabilityZone/gpu-az', ['Aggregate/gpu']]]))
 * // [{ kind: 'Flavor', name: 'm1.small' }, { kind: 'Aggregate', name: 'gpu' }]
 */
export function declaredDependsOn(manifest: Manifest, declared: ReadonlySet<string>, providers: ReadonlyMap<string, readonly string[]>): ResourceKey[] {
  const keys: string[] = [];
  for (const site of refSites(manifest)) {
    const key = pinKey(site.target, site.name);
    if (site.target !== 'Image' && declared.has(key)) keys.push(key);
  }
  for (const ref of referencesOf(manifest.kind, manifest.spec)) keys.push(...(providers.get(`${ref.target}/${ref.name}`) ?? []));
  for (const ref of manifest.dependsOn) if (declared.has(keyString(ref))) keys.push(keyString(ref));
  return sortKeys(keys.filter((k) => k !== keyString({ kind: manifest.kind, name: manifest.metadata.name })));
}

/** Host membership of one aggregate, as the cloud has it and as the plan wants it. */
export interface AggregateHosts {
  readonly key: string;
  /** Undefined when the aggregate is deleted (pruned): it gives up every host. */
  readonly desired?: readonly string[];
  readonly observed: readonly string[];
  /** The zone it is in now. */
  readonly observedZone: string | null;
  /** The zone it will be in. */
  readonly desiredZone: string | null;
}

/**
 * `key -> keys it runs after`: every declared resource of a kind that does
 * not limit others runs after those of kinds that do (`limitsOthers`: a
 * project's quotas), so a server create meets the limits the plan sets.
 *
 * @example
 * limitEdges(['Quota/team-a', 'Server/web-1']) // Map { 'Server/web-1' => ['Quota/team-a'] }
 */
export function limitEdges(declared: readonly string[]): Map<string, string[]> {
  const limits = declared.filter((key) => kindModule(keyFrom(key).kind).limitsOthers === true);
  const edges = new Map<string, string[]>();
  if (limits.length === 0) return edges;
  for (const key of declared) if (!limits.includes(key)) edges.set(key, limits);
  return edges;
}

/**
 * `destination key -> source keys`: an aggregate gaining a host another
 * gives up runs after it, when the two are different availability zones
 * (Nova refuses a host in two zones at once; without zones order does not matter).
 *
 * @example
 * hostMoveEdges([{ key: 'Aggregate/a', desired: [], observed: ['c1'], observedZone: 'az1', desiredZone: 'az1' },
 *                { key: 'Aggregate/b', desired: ['c1'], observed: [], observedZone: 'az2', desiredZone: 'az2' }])
 * // Map { 'Aggregate/b' => ['Aggregate/a'] }
 */
export function hostMoveEdges(aggregates: readonly AggregateHosts[]): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const to of aggregates) {
    if (to.desired === undefined || to.desiredZone === null) continue;
    const gained = to.desired.filter((h) => !to.observed.includes(h));
    for (const from of aggregates) {
      if (from === to || from.observedZone === null || from.observedZone === to.desiredZone) continue;
      const lost = from.observed.filter((h) => !(from.desired ?? []).includes(h));
      if (gained.some((h) => lost.includes(h))) edges.set(to.key, [...(edges.get(to.key) ?? []), from.key]);
    }
  }
  return edges;
}

/** A server as the deletes see it: which volumes it has attached now. */
export interface AttachedVolumes {
  readonly key: string;
  readonly volumeIds: readonly string[];
}

/**
 * `volume key -> server keys`: a volume the plan deletes waits for every
 * step of a server that has it attached (the server's delete, or the
 * update that detaches it); Cinder refuses to delete an attached volume.
 */
export function detachEdges(deletedVolumes: ReadonlyMap<string, string>, servers: readonly AttachedVolumes[]): Map<string, string[]> {
  const byId = new Map([...deletedVolumes].map(([key, id]) => [id, key]));
  const edges = new Map<string, string[]>();
  for (const server of servers) {
    for (const id of server.volumeIds) {
      const volume = byId.get(id);
      if (volume !== undefined) edges.set(volume, [...(edges.get(volume) ?? []), server.key]);
    }
  }
  return edges;
}
