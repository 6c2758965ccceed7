/** A flavor as the cloud reports it. */
export interface FlavorObserved {
  readonly id: string;
  readonly name: string;
  readonly vcpus: number;
  readonly ram: number;
  readonly disk: number;
  readonly ephemeral: number;
  readonly swap: number;
  readonly isPublic: boolean;
  /** undefined when the cloud's microversion cannot show it (below 2.55). */
  readonly description?: string | null;
  readonly extraSpecs: Readonly<Record<string, string>>;
  /** Projects of a private flavor's access list; undefined for public flavors or when the caller may not read it. */
  readonly access?: readonly string[];
}

/** Nova renders a zero swap as "" before 2.75; numbers may come as strings from old clouds. */
function integer(value: unknown): number {
  if (value === '' || value === null || value === undefined) return 0;
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Pure: a Nova flavor body (`GET /flavors/{id}`) plus, when fetched
 * separately, its extra specs (below 2.61) and access list.
 *
 * @example
 * toFlavorObserved({ id: 'f1', name: 'm1', vcpus: 1, ram: 512, disk: 1, swap: '', 'os-flavor-access:is_public': true })
 */
export function toFlavorObserved(body: Record<string, any>, extra: { extraSpecs?: Record<string, unknown>; access?: string[] } = {}): FlavorObserved {
  const specs = extra.extraSpecs ?? body.extra_specs ?? {};
  const isPublic = body['os-flavor-access:is_public'] !== false;
  return {
    id: String(body.id),
    name: String(body.name),
    vcpus: integer(body.vcpus),
    ram: integer(body.ram),
    disk: integer(body.disk),
    ephemeral: integer(body['OS-FLV-EXT-DATA:ephemeral']),
    swap: integer(body.swap),
    isPublic,
    ...('description' in body ? { description: body.description ?? null } : {}),
    extraSpecs: Object.fromEntries(Object.entries(specs as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
    ...(extra.access && !isPublic ? { access: [...extra.access].sort() } : {}),
  };
}
