/**
 * A Flavor manifest's spec, resolved: units are Nova's (ram MiB, disk,
 * ephemeral GiB, swap MiB), quantities like "2GiB" already converted by the
 * manifest loader.
 */
export interface FlavorSpec {
  /** The flavor's name in Nova: the manifest's metadata.name (flavors are owned by unique name). */
  readonly name: string;
  readonly vcpus: number;
  /** MiB. */
  readonly ram: number;
  /** Root disk, GiB (0 = the image's size). */
  readonly disk: number;
  /** GiB; default 0. */
  readonly ephemeral?: number;
  /** MiB; default 0. */
  readonly swap?: number;
  /** Default true. A private flavor is usable by the projects in `access` (and admins). */
  readonly isPublic?: boolean;
  /** Needs compute 2.55; undefined = not managed. */
  readonly description?: string;
  /** Keys `^[a-zA-Z0-9-_:. ]{1,255}$`, values strings. */
  readonly extraSpecs?: Readonly<Record<string, string>>;
  /** Project ids that may use a private flavor. The manifest owns the whole list. */
  readonly access?: readonly string[];
  readonly deletionPolicy?: 'Delete' | 'Retain';
}

/** A FlavorSpec with every default filled in. */
export type NormalizedFlavorSpec = FlavorSpec & Required<Pick<FlavorSpec, 'ephemeral' | 'swap' | 'isPublic' | 'extraSpecs' | 'access'>>;

/**
 * Defaults (ephemeral 0, swap 0, public, no extra specs, no access), extra
 * spec values as strings, access sorted without duplicates. Pure.
 *
 * @example
 * normalizeFlavorSpec({ name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 }).isPublic // true
 */
export function normalizeFlavorSpec(spec: FlavorSpec): NormalizedFlavorSpec {
  return {
    ...spec,
    ephemeral: spec.ephemeral ?? 0,
    swap: spec.swap ?? 0,
    isPublic: spec.isPublic ?? true,
    extraSpecs: Object.fromEntries(Object.entries(spec.extraSpecs ?? {}).map(([k, v]) => [k, String(v)])),
    access: [...new Set(spec.access ?? [])].sort(),
  };
}
