/** A host aggregate as Nova reports it. */
export interface AggregateObserved {
  /** Nova's integer id, as a string. */
  readonly id: string;
  /** From 2.41. */
  readonly uuid?: string;
  readonly name: string;
  readonly availabilityZone: string | null;
  readonly hosts: readonly string[];
  /** All metadata, `availability_zone` and the ownership keys included. */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Pure: a Nova aggregate body. The create response has no hosts and no
 * metadata (and real Nova says `hosts: null` until a host is added).
 *
 * @example
 * toAggregateObserved({ id: 3, name: 'gpu', availability_zone: null, hosts: null }).hosts // []
 */
export function toAggregateObserved(body: Record<string, any>): AggregateObserved {
  return {
    id: String(body.id),
    ...(body.uuid ? { uuid: String(body.uuid) } : {}),
    name: String(body.name),
    availabilityZone: body.availability_zone ?? null,
    hosts: [...(body.hosts ?? [])].map(String).sort(),
    metadata: Object.fromEntries(Object.entries(body.metadata ?? {}).map(([k, v]) => [k, String(v)])),
  };
}
