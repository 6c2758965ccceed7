import type { ApplyMode, FieldChange } from './types.ts';

/**
 * Pure diffs of the two collection shapes the kinds share: string maps
 * (flavor extra specs, volume and aggregate metadata) and sets (aggregate
 * hosts, flavor access). One FieldChange per key, so a plan shows exactly
 * which key moves, and `update` applies exactly those keys.
 *
 * Maps follow `kubectl apply`'s three-way merge: a key the manifest declares
 * is set; a key the manifest declared at the last apply (`lastApplied`) and
 * no longer declares is removed; any other key in the cloud was set by
 * someone else (an operator, another tool, Nova itself) and is left alone.
 * Without `lastApplied` nothing is ever removed.
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The manifest path of one key: `spec.metadata.owner` for identifier-like
 * keys, `spec.extraSpecs["hw:cpu_policy"]` otherwise. `bracket` forces the
 * bracket form (set members, e.g. `spec.hosts["compute-1"]`).
 *
 * @example
 * keyPath('spec.extraSpecs', 'hw:cpu_policy') // 'spec.extraSpecs["hw:cpu_policy"]'
 * keyPath('spec.metadata', 'owner')           // 'spec.metadata.owner'
 */
export function keyPath(base: string, key: string, bracket = false): string {
  return !bracket && IDENTIFIER.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/** The key `keyPath(base, …)` encoded in `path`, or undefined when `path` is not under `base`. */
export function keyOfPath(base: string, path: string): string | undefined {
  if (path.startsWith(`${base}.`)) {
    const key = path.slice(base.length + 1);
    return IDENTIFIER.test(key) ? key : undefined;
  }
  if (path.startsWith(`${base}[`) && path.endsWith(']')) {
    try {
      const key: unknown = JSON.parse(path.slice(base.length + 1, -1));
      return typeof key === 'string' ? key : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface MapDiffInput {
  /** Manifest path of the map, e.g. 'spec.metadata'. */
  base: string;
  desired: Readonly<Record<string, string>>;
  observed: Readonly<Record<string, string>>;
  /** The map as last applied; keys in it and not in `desired` are removed. */
  lastApplied?: Readonly<Record<string, string>>;
  /** Keys this diff never touches (ownership keys, keys another field manages). */
  ignore?: (key: string) => boolean;
  apply?: ApplyMode;
  dataLoss?: boolean;
}

/**
 * Per-key changes of a string map, sorted by key. `to: undefined` means
 * "remove the key".
 *
 * @example
 * mapChanges({ base: 'spec.metadata', desired: { a: '1' }, observed: { a: '2', b: 'x' }, lastApplied: { a: '1', b: 'x' } })
 * // [{ path: 'spec.metadata.a', from: '2', to: '1', ... }, { path: 'spec.metadata.b', from: 'x', to: undefined, ... }]
 */
export function mapChanges(input: MapDiffInput): FieldChange[] {
  const { base, desired, observed, lastApplied = {}, ignore = () => false, apply = 'update', dataLoss = false } = input;
  const keys = new Set([...Object.keys(desired), ...Object.keys(lastApplied)]);
  const changes: FieldChange[] = [];
  for (const key of [...keys].sort()) {
    if (ignore(key)) continue;
    const from = Object.hasOwn(observed, key) ? observed[key] : undefined;
    const to = Object.hasOwn(desired, key) ? desired[key] : undefined;
    if (from === to) continue;
    // Removing a key that is already gone is no change; a key we never declared is not ours.
    if (to === undefined && (from === undefined || !Object.hasOwn(lastApplied, key))) continue;
    changes.push({ path: keyPath(base, key), from, to, apply, dataLoss });
  }
  return changes;
}

/**
 * Membership changes of a set the manifest owns completely (aggregate
 * hosts, flavor access): every member not declared is removed. One change
 * per member, sorted: `{from: undefined, to: m}` adds, `{from: m, to: undefined}` removes.
 */
export function setChanges(base: string, desired: readonly string[], observed: readonly string[], apply: ApplyMode = 'update'): FieldChange[] {
  const want = new Set(desired);
  const have = new Set(observed);
  const members = [...new Set([...want, ...have])].sort();
  const changes: FieldChange[] = [];
  for (const member of members) {
    if (want.has(member) === have.has(member)) continue;
    changes.push({
      path: keyPath(base, member, true),
      from: have.has(member) ? member : undefined,
      to: want.has(member) ? member : undefined,
      apply,
      dataLoss: false,
    });
  }
  return changes;
}

/** What changes under `base` ask for: keys to set (with values) and keys to remove. */
export function splitMapChanges(base: string, changes: readonly FieldChange[]): { set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const change of changes) {
    const key = keyOfPath(base, change.path);
    if (key === undefined) continue;
    if (change.to === undefined) remove.push(key);
    else set[key] = String(change.to);
  }
  return { set, remove };
}

/** Members to add and to remove from set changes under `base`. */
export function splitSetChanges(base: string, changes: readonly FieldChange[]): { add: string[]; remove: string[] } {
  const add: string[] = [];
  const remove: string[] = [];
  for (const change of changes) {
    const member = keyOfPath(base, change.path);
    if (member === undefined) continue;
    if (change.to === undefined) remove.push(member);
    else add.push(member);
  }
  return { add, remove };
}

/**
 * A string-map field of the last-applied spec (DiffContext.lastApplied is
 * `unknown`: it comes from the state store). Anything not a plain string map is ignored.
 */
export function lastAppliedMap(lastApplied: unknown, field: string): Record<string, string> | undefined {
  if (!lastApplied || typeof lastApplied !== 'object') return undefined;
  const value = (lastApplied as Record<string, unknown>)[field];
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

/** Whether the last-applied spec declared `field` (a scalar the manifest then stopped managing). */
export function lastAppliedHas(lastApplied: unknown, field: string): boolean {
  return !!lastApplied && typeof lastApplied === 'object' && (lastApplied as Record<string, unknown>)[field] !== undefined;
}
