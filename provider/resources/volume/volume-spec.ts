/**
 * A Volume manifest's spec, resolved: size in GiB, the image reference
 * pinned (an image id, or a name the cloud resolves at create).
 */
export interface VolumeSpec {
  /** The volume's name in Cinder: the manifest's metadata.name. Cinder allows renames. */
  readonly name: string;
  /** GiB. Grows in place (extend); never shrinks. */
  readonly size: number;
  /** A volume type name (or id); undefined = the cloud's default type. */
  readonly volumeType?: string;
  /** undefined = the cloud's default zone. */
  readonly availabilityZone?: string;
  /** The source image (id or name); undefined = a blank volume. */
  readonly image?: string;
  /** undefined = not managed. */
  readonly description?: string;
  /** User metadata; the ownership keys are added by novaform and never declared here. */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly deletionPolicy?: 'Delete' | 'Retain';
}

export type NormalizedVolumeSpec = VolumeSpec & { readonly metadata: Readonly<Record<string, string>> };

/**
 * Metadata values as strings, defaulted to {}. Pure.
 *
 * @example
 * normalizeVolumeSpec({ name: 'data', size: 10 }).metadata // {}
 */
export function normalizeVolumeSpec(spec: VolumeSpec): NormalizedVolumeSpec {
  return { ...spec, metadata: Object.fromEntries(Object.entries(spec.metadata ?? {}).map(([k, v]) => [k, String(v)])) };
}
