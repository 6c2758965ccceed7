import type { ApplyMode, Kind } from '../../provider/resources/types.ts';

/**
 * The drift report: the stable `drift --output json` contract (DESIGN.md
 * "Machine-readable output"). Fields MAY be added; none MUST be renamed or
 * removed without bumping `version`. `version`, `stack`, `inSync`,
 * `resources` and `summary` are DESIGN.md's; `checked`, `pending`, `notes`
 * and `ignored` are additions (the text, Markdown and JUnit renderers
 * need them, and so may a CI job).
 */

/** What happened to a resource behind novaform's back. */
export type DriftCategory = 'changed' | 'missing' | 'unhealthy' | 'unmanaged';

export const DRIFT_CATEGORIES: readonly DriftCategory[] = ['changed', 'missing', 'unhealthy', 'unmanaged'];

/**
 * How `novaform apply` would bring the field back: the plan's apply modes
 * (`update` in place, `resize`, `rebuild`, `extend`, `attach`, `detach`,
 * `power`, `replace`), or `manual`: apply would NOT change it (a metadata
 * key someone else set, which novaform never removes; a volume grown
 * larger than the manifest, which Cinder cannot shrink). Fix those by hand,
 * declare them in the manifest, or ignore them (.novaformignore).
 */
export type DriftApply = ApplyMode | 'manual';

/** One field that differs. Values are display-safe (user data as `sha256:` digests); absent is `null`. */
export interface DriftChange {
  /** The manifest path, as in plans: `spec.flavor`, `spec.metadata.owner`, `spec.hosts["compute-2"]`. */
  readonly path: string;
  readonly desired: unknown;
  readonly actual: unknown;
  readonly apply: DriftApply;
}

export interface DriftResource {
  readonly kind: Kind;
  /** The manifest name (for `unmanaged`: the cloud object's name, or its id when it has none). */
  readonly name: string;
  /** The cloud id; for `missing`, the id the state store last recorded (null without a record: a fresh checkout). */
  readonly id: string | null;
  readonly category: DriftCategory;
  /** One line for a person; the cloud's own words (a server's fault) where there are any. */
  readonly message: string;
  readonly changes: readonly DriftChange[];
}

/** A managed resource compared and found as declared. */
export interface CheckedResource {
  readonly kind: Kind;
  readonly name: string;
  readonly id: string | null;
}

/**
 * Not drift: what `apply` would do because the MANIFESTS changed, not the
 * cloud. `create`: declared but never applied (no state record, no owned
 * object). `delete`: owned, still in the cloud, no manifest declares it.
 */
export interface PendingResource {
  readonly kind: Kind;
  readonly name: string;
  readonly id: string | null;
  readonly action: 'create' | 'delete';
  readonly message: string;
}

/** Information, not drift, and not counted: a changed source image, a server in transition, a duplicate. */
export interface DriftNote {
  readonly kind: Kind;
  readonly name: string;
  readonly message: string;
}

/** A resource left out on purpose: its annotation, or a whole-resource rule of .novaformignore. */
export interface IgnoredResource {
  readonly kind: Kind;
  readonly name: string;
  readonly reason: string;
}

export interface DriftReport {
  readonly version: 1;
  readonly stack: string;
  /** True exactly when every summary count is 0. */
  readonly inSync: boolean;
  /** Drifted resources, by category then kind order then name. */
  readonly resources: readonly DriftResource[];
  readonly summary: Readonly<Record<DriftCategory, number>>;
  /** Managed resources found in sync. */
  readonly checked: readonly CheckedResource[];
  readonly pending: readonly PendingResource[];
  readonly notes: readonly DriftNote[];
  readonly ignored: readonly IgnoredResource[];
}

/** `drift` exit codes (DESIGN.md): 0 in sync, 2 drift found (1, an error, is the CLI's). */
export function driftExitCode(report: Pick<DriftReport, 'inSync'>): 0 | 2 {
  return report.inSync ? 0 : 2;
}
