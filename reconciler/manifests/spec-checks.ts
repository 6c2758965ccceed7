import type { Kind } from '../../provider/resources/types.ts';
import { OWNER_NAME_KEY, OWNER_STACK_KEY } from '../../provider/resources/types.ts';
import type { Locator } from './convert-sizes.ts';
import { diagnostic, type ManifestDiagnostic } from './diagnostics.ts';
import { formatPath, type PathSegment } from './json-path.ts';

/**
 * Rules about one spec that JSON Schema cannot say (or cannot say in words
 * a person understands): Nova's user-data limit counted in base64 bytes,
 * metadata keys reserved for ownership, a flavor access list without a
 * private flavor, a volume listed twice on one server. Pure.
 */

/** Nova refuses user_data longer than this once base64-encoded. */
export const MAX_USER_DATA_BASE64_BYTES = 65535;

/** Prefix of the keys novaform writes to mark ownership (novaform:stack, novaform:name). */
const RESERVED_PREFIX = 'novaform:';
const OWNERSHIP_KEYS = [OWNER_STACK_KEY, OWNER_NAME_KEY].join(', ');

/**
 * Every problem in `spec` of `kind` beyond the schema.
 *
 * @example
 * checkSpec('Flavor', { vcpus: 1, ram: 512, disk: 1, access: ['p1'] }, locate)
 * // → [{ path: 'spec.access', code: 'flavor-access', message: 'a public flavor has no access list', ... }]
 */
export function checkSpec(kind: Kind, spec: Record<string, unknown>, locate: Locator): ManifestDiagnostic[] {
  const found: ManifestDiagnostic[] = [];
  const report = (path: PathSegment[], code: Parameters<typeof diagnostic>[1], message: string, hints: string[] = [], target: 'key' | 'value' = 'value') =>
    found.push(diagnostic(locate(path, target), code, formatPath(path), message, { hints }));

  const metadata = spec.metadata as Record<string, unknown> | undefined;
  for (const key of Object.keys(metadata ?? {})) {
    if (key.startsWith(RESERVED_PREFIX)) {
      report(['spec', 'metadata', key], 'reserved-key', `metadata keys starting with '${RESERVED_PREFIX}' are reserved for ownership (${OWNERSHIP_KEYS})`, ['novaform sets them itself; pick another prefix'], 'key');
    }
    if (kind === 'Aggregate' && key === 'availability_zone') {
      report(['spec', 'metadata', key], 'reserved-key', "Nova keeps an aggregate's zone in the metadata key 'availability_zone'", ['use spec.availabilityZone instead'], 'key');
    }
  }
  if (kind === 'Flavor' && Array.isArray(spec.access) && spec.access.length > 0 && spec.isPublic !== false) {
    report(['spec', 'access'], 'flavor-access', 'a public flavor has no access list: every project may use it', ['set isPublic: false to make the flavor private'], 'key');
  }
  if (kind === 'Server' && typeof spec.userData === 'string') {
    const encoded = Math.ceil(Buffer.byteLength(spec.userData, 'utf8') / 3) * 4;
    if (encoded > MAX_USER_DATA_BASE64_BYTES) {
      report(['spec', 'userData'], 'user-data-too-large', `is ${encoded} bytes once base64-encoded; Nova accepts at most ${MAX_USER_DATA_BASE64_BYTES}`, ['compress it (cloud-init reads gzip) or fetch the rest from elsewhere']);
    }
  }
  if (kind === 'Server' && Array.isArray(spec.volumes)) {
    const first = new Map<string, number>();
    (spec.volumes as Array<{ volume: string }>).forEach((entry, index) => {
      const earlier = first.get(entry.volume);
      if (earlier === undefined) first.set(entry.volume, index);
      else report(['spec', 'volumes', index, 'volume'], 'volume-attached-twice', `volume '${entry.volume}' is already attached at spec.volumes[${earlier}]`, ['list each volume once']);
    });
  }
  return found;
}
