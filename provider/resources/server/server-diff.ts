import { createHash } from 'node:crypto';
import { keyPath, lastAppliedMap, mapChanges } from '../map-changes.ts';
import { isOwnershipKey, type DiffContext, type FieldChange } from '../types.ts';
import { flavorLabel, runsOnFlavor, type ServerObserved } from './server-observed.ts';
import { observedPowerState } from './server-readiness.ts';
import type { ServerNetworks, ServerSpec, ServerVolume } from './server-spec.ts';

/**
 * Desired (normalized spec) against actual (observed server), field by
 * field. Pure. How each change reaches the cloud follows Nova (issue 3,
 * NOVA-FACTS.md §4):
 *
 * | field | apply | dataLoss |
 * |---|---|---|
 * | name, description, metadata.<key>, tags | update | no |
 * | flavor (also a resize left in VERIFY_RESIZE) | resize (+ confirm) | no |
 * | image | rebuild | yes |
 * | keypair | rebuild from 2.54, else replace | yes |
 * | userData | rebuild from 2.57, else replace | yes |
 * | availabilityZone, networks | replace | yes |
 * | volumes["<id>"] | attach / detach | no |
 * | powerState | power | no |
 */


function change(path: string, from: unknown, to: unknown, apply: FieldChange['apply'], dataLoss = false): FieldChange {
  return { path, from, to, apply, dataLoss };
}

/** `spec.volumes["<volume id>"]`: one change per attachment. */
export function volumePath(volumeId: string): string {
  return keyPath('spec.volumes', volumeId, true);
}

/** User data may hold passwords: plans show a digest, never the text (DESIGN.md "Safety rules"). */
export function userDataDigest(text: string | null | undefined): string | undefined {
  if (text === undefined || text === null) return undefined;
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16)}`;
}

/** The last-applied spec, if the context carries one that looks like a server spec. */
export function lastAppliedOf(context: DiffContext): Partial<ServerSpec> | undefined {
  const last = context.lastApplied;
  return last !== null && typeof last === 'object' && !Array.isArray(last) ? (last as Partial<ServerSpec>) : undefined;
}

export function diffName(desired: ServerSpec, observed: ServerObserved): FieldChange[] {
  return observed.name === desired.name ? [] : [change('spec.name', observed.name, desired.name, 'update')];
}

/** Only when the spec declares one and the microversion shows it (2.19); null and '' are both "none". */
export function diffDescription(desired: ServerSpec, observed: ServerObserved): FieldChange[] {
  if (desired.description === undefined || observed.description === undefined) return [];
  const actual = observed.description ?? '';
  return actual === desired.description ? [] : [change('spec.description', observed.description, desired.description, 'update')];
}

/**
 * Declared keys are set; a key in the cloud but not in the spec is removed
 * only when novaform set it (it is in the last-applied spec). Keys set by
 * other tools stay, and ownership keys are never touched here.
 */
export function diffMetadata(desired: ServerSpec, observed: ServerObserved, context: DiffContext): FieldChange[] {
  return mapChanges({
    base: 'spec.metadata',
    desired: desired.metadata,
    observed: observed.metadata,
    lastApplied: lastAppliedMap(context.lastApplied, 'metadata'),
    ignore: isOwnershipKey,
  });
}

/** A declared list replaces the cloud's tags (PUT /tags); undeclared tags are not managed. */
export function diffTags(desired: ServerSpec, observed: ServerObserved): FieldChange[] {
  if (desired.tags === undefined || observed.tags === undefined) return [];
  const want = [...new Set(desired.tags)].sort();
  const have = [...observed.tags].sort();
  return JSON.stringify(want) === JSON.stringify(have) ? [] : [change('spec.tags', have, want, 'update')];
}

/** A server left in VERIFY_RESIZE (e.g. a run that died before confirming) also gets a `resize` change: the update confirms it. */
export function diffFlavor(desired: ServerSpec, observed: ServerObserved): FieldChange[] {
  if (observed.status !== 'VERIFY_RESIZE' && runsOnFlavor(observed, desired.flavor)) return [];
  return [change('spec.flavor', flavorLabel(observed), desired.flavor.name, 'resize')];
}

/** A volume-backed server has no image to compare (Nova shows `image: ""`). */
export function diffImage(desired: ServerSpec, observed: ServerObserved): FieldChange[] {
  if (observed.imageId === undefined || observed.imageId === desired.image) return [];
  return [change('spec.image', observed.imageId, desired.image, 'rebuild', true)];
}

export function diffKeypair(desired: ServerSpec, observed: ServerObserved, context: DiffContext): FieldChange[] {
  const actual = observed.keyName ?? undefined;
  if (actual === desired.keypair) return [];
  return [change('spec.keypair', actual, desired.keypair, context.computeAtLeast(2, 54) ? 'rebuild' : 'replace', true)];
}

/**
 * Nova shows user data to admins only (2.3+). Otherwise the last-applied
 * spec says what novaform set; without either there is nothing to compare.
 */
export function diffUserData(desired: ServerSpec, observed: ServerObserved, context: DiffContext): FieldChange[] {
  let actual: string | undefined;
  if (observed.userData !== undefined) actual = observed.userData ?? undefined;
  else {
    const last = lastAppliedOf(context);
    if (last === undefined) return [];
    actual = last.userData;
  }
  if ((actual ?? '') === (desired.userData ?? '')) return [];
  const apply = context.computeAtLeast(2, 57) ? 'rebuild' : 'replace';
  return [change('spec.userData', userDataDigest(actual), userDataDigest(desired.userData), apply, true)];
}

/** Compared once the server is scheduled (the zone is '' before); undeclared = the cloud's choice. */
export function diffAvailabilityZone(desired: ServerSpec, observed: ServerObserved): FieldChange[] {
  if (desired.availabilityZone === undefined || !observed.availabilityZone) return [];
  if (observed.availabilityZone === desired.availabilityZone) return [];
  return [change('spec.availabilityZone', observed.availabilityZone, desired.availabilityZone, 'replace', true)];
}

function canonicalNetworks(networks: ServerNetworks): string {
  if (typeof networks === 'string') return networks;
  return JSON.stringify(networks.map((n) => ({ uuid: n.uuid, port: n.port, fixedIp: n.fixedIp })));
}

/**
 * Nova shows addresses by network name, not what was requested, so the
 * comparison is against the last-applied spec; without one only a server
 * declared `none` that has addresses is known to differ.
 */
export function diffNetworks(desired: ServerSpec, observed: ServerObserved, context: DiffContext): FieldChange[] {
  const last = lastAppliedOf(context)?.networks;
  if (last !== undefined) {
    if (canonicalNetworks(last) === canonicalNetworks(desired.networks)) return [];
    return [change('spec.networks', last, desired.networks, 'replace', true)];
  }
  if (desired.networks === 'none' && Object.keys(observed.addresses).length > 0) {
    return [change('spec.networks', Object.keys(observed.addresses), 'none', 'replace', true)];
  }
  return [];
}

/**
 * Declared volumes that are not attached get `attach`; a volume is detached
 * only when the last-applied spec declared it. Volumes attached by someone
 * else are left alone.
 */
export function diffVolumes(desired: ServerSpec, observed: ServerObserved, context: DiffContext): FieldChange[] {
  const attached = new Set(observed.volumeIds);
  const declared = new Set(desired.volumes.map((v) => v.volumeId));
  const changes: FieldChange[] = [];
  for (const volume of desired.volumes) {
    if (!attached.has(volume.volumeId)) changes.push(change(volumePath(volume.volumeId), undefined, volume, 'attach'));
  }
  const previous: readonly ServerVolume[] = lastAppliedOf(context)?.volumes ?? [];
  for (const volume of previous) {
    if (!declared.has(volume.volumeId) && attached.has(volume.volumeId)) {
      changes.push(change(volumePath(volume.volumeId), { volumeId: volume.volumeId }, undefined, 'detach'));
    }
  }
  return changes;
}

/** Only a settled server (ACTIVE/SHUTOFF without a task) is compared; ERROR and transitions are readiness' business. */
export function diffPowerState(desired: ServerSpec, observed: ServerObserved): FieldChange[] {
  const actual = observedPowerState(observed);
  if (actual === undefined || actual === desired.powerState) return [];
  return [change('spec.powerState', actual, desired.powerState, 'power')];
}

/**
 * Every difference between `desired` (normalized) and `observed`. Pure.
 *
 * @example
 * diffServer(spec, observed, { computeAtLeast: (ma, mi) => ma < 2 || (ma === 2 && mi <= 93), lastApplied })
 * // → [{ path: 'spec.flavor', from: 'm1.small', to: 'm1.medium', apply: 'resize', dataLoss: false }, ...]
 */
/**
 * The server group: Nova lists no group membership (only a server's own
 * GET shows it, from 2.71) and cannot move a server between groups, so a
 * group other than the one last applied is a replace. Without a
 * last-applied spec (a lost state store) it is not diffed.
 */
export function diffServerGroup(desired: ServerSpec, _observed: ServerObserved, context: DiffContext): FieldChange[] {
  const last = lastAppliedOf(context);
  if (!last) return [];
  const from = last.serverGroup;
  if ((from?.id ?? undefined) === (desired.serverGroup?.id ?? undefined)) return [];
  return [{ path: 'spec.serverGroup', from: from?.name, to: desired.serverGroup?.name, apply: 'replace', dataLoss: true }];
}

export function diffServer(desired: ServerSpec, observed: ServerObserved, context: DiffContext): FieldChange[] {
  return [
    ...diffName(desired, observed),
    ...diffDescription(desired, observed),
    ...diffMetadata(desired, observed, context),
    ...diffTags(desired, observed),
    ...diffFlavor(desired, observed),
    ...diffImage(desired, observed),
    ...diffKeypair(desired, observed, context),
    ...diffUserData(desired, observed, context),
    ...diffAvailabilityZone(desired, observed),
    ...diffNetworks(desired, observed, context),
    ...diffVolumes(desired, observed, context),
    ...diffPowerState(desired, observed),
    ...diffServerGroup(desired, observed, context),
  ];
}
