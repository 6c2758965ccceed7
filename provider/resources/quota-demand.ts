import type { FieldChange, Kind } from './types.ts';

/**
 * What a planned step needs from the project's quotas (kind.ts:
 * `quotaDemand`). The pre-flight in reconciler/ sums the demands, reads
 * the quotas and compares; a kind only says what one of its steps adds.
 */

/** The quota resources a plan can consume (Nova's and Cinder's names in os-quota-sets). */
export type QuotaResource = 'instances' | 'cores' | 'ram' | 'key_pairs' | 'server_groups' | 'server_group_members' | 'volumes' | 'gigabytes';

/** The service whose `os-quota-sets` holds each quota resource. */
export const QUOTA_SERVICE: Readonly<Record<QuotaResource, 'compute' | 'volume'>> = {
  instances: 'compute',
  cores: 'compute',
  ram: 'compute',
  key_pairs: 'compute',
  server_groups: 'compute',
  server_group_members: 'compute',
  volumes: 'volume',
  gigabytes: 'volume',
};

/** One planned step of a kind, as its `quotaDemand` sees it. */
export interface QuotaStep<Spec, Observed> {
  /** The plan's action: 'create', 'replace', 'resize', 'update', ... (never 'delete' or 'noop'). */
  readonly action: string;
  /** The field changes the plan found (an `extend`, a `resize`). */
  readonly changes: readonly FieldChange[];
  /** The object as read at plan time (undefined for a create). */
  readonly observed?: Observed;
  /** The resolved spec, or undefined when it cannot be built before its dependencies exist. */
  spec(): Spec | undefined;
  /**
   * Another object's fields (a server's flavor), from the plan's own
   * specs, the plan's snapshot or, failing those, the cloud; undefined
   * when it is not known (a dependency not created yet, or gone).
   */
  lookup(kind: Kind, ref: { readonly id?: string; readonly name?: string }): Promise<Readonly<Record<string, unknown>> | undefined>;
}

/**
 * What a step adds to each quota resource (a shrink adds nothing: only
 * positive amounts count), or why it could not be sized: its spec needs
 * dependencies that do not exist yet, or the size of what it refers to
 * (`of`: 'flavor m1.small') is unknown.
 */
export type QuotaDemand =
  | { readonly needs: Readonly<Partial<Record<QuotaResource, number>>> }
  | { readonly unknown: 'spec' }
  | { readonly unknown: 'size'; readonly of: string };
