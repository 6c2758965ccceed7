/** A host Aggregate manifest's spec. Nova lets every field change in place. */
export interface AggregateSpec {
  /** The aggregate's name in Nova (unique): the manifest's metadata.name. */
  readonly name: string;
  /** Makes the aggregate an availability zone; undefined = not managed. */
  readonly availabilityZone?: string;
  /** Compute host names. The manifest owns the whole list. */
  readonly hosts?: readonly string[];
  /** Keys `^[a-zA-Z0-9-_:. ]{1,255}$`; `availability_zone` is spec.availabilityZone's, the ownership keys novaform's. */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly deletionPolicy?: 'Delete' | 'Retain';
}

export type NormalizedAggregateSpec = AggregateSpec & { readonly hosts: readonly string[]; readonly metadata: Readonly<Record<string, string>> };

/**
 * Hosts sorted without duplicates, metadata values as strings. Pure.
 *
 * @example
 * normalizeAggregateSpec({ name: 'gpu', hosts: ['compute-2', 'compute-1'] }).hosts // ['compute-1', 'compute-2']
 */
export function normalizeAggregateSpec(spec: AggregateSpec): NormalizedAggregateSpec {
  return {
    ...spec,
    hosts: [...new Set(spec.hosts ?? [])].sort(),
    metadata: Object.fromEntries(Object.entries(spec.metadata ?? {}).map(([k, v]) => [k, String(v)])),
  };
}
