import type { ServerManifestSpec } from '../../../schemas/spec-types.ts';
import type { ManifestIssue, ManifestSetIssue } from '../manifest-checks.ts';

/**
 * Rules about Server manifests that JSON Schema cannot say: Nova's
 * user-data limit counted in base64 bytes, and a volume attached once
 * (twice on one server, or on two servers: multi-attach volume types are
 * not supported). Pure.
 */

/** Nova refuses user_data longer than this once base64-encoded. */
export const MAX_USER_DATA_BASE64_BYTES = 65535;

/**
 * Problems of one Server spec.
 *
 * @example
 * checkServerManifest({ flavor: 'f', image: 'i', volumes: [{ volume: 'v' }, { volume: 'v' }] })[0].message
 * // "volume 'v' is already attached at spec.volumes[0]"
 */
export function checkServerManifest(spec: ServerManifestSpec): ManifestIssue[] {
  const found: ManifestIssue[] = [];
  if (typeof spec.userData === 'string') {
    const encoded = Math.ceil(Buffer.byteLength(spec.userData, 'utf8') / 3) * 4;
    if (encoded > MAX_USER_DATA_BASE64_BYTES) {
      found.push({
        path: ['spec', 'userData'], code: 'user-data-too-large', message: `is ${encoded} bytes once base64-encoded; Nova accepts at most ${MAX_USER_DATA_BASE64_BYTES}`,
        hints: ['compress it (cloud-init reads gzip) or fetch the rest from elsewhere'],
      });
    }
  }
  const first = new Map<string, number>();
  (spec.volumes ?? []).forEach((entry, index) => {
    const earlier = first.get(entry.volume);
    if (earlier === undefined) first.set(entry.volume, index);
    else found.push({ path: ['spec', 'volumes', index, 'volume'], code: 'volume-attached-twice', message: `volume '${entry.volume}' is already attached at spec.volumes[${earlier}]`, hints: ['list each volume once'] });
  });
  return found;
}

/**
 * An issue at each attachment of a volume that an earlier server already
 * attaches (by the same name: a manifest or a cloud volume; a cloud volume
 * named once by name and once by id cannot be recognised offline).
 *
 * @example
 * checkServerManifestSet([{ name: 'a', spec: { ..., volumes: [{ volume: 'v' }] } }, { name: 'b', spec: { ..., volumes: [{ volume: 'v' }] } }])[0].manifest // 1
 */
export function checkServerManifestSet(manifests: readonly { readonly name: string; readonly spec: ServerManifestSpec }[]): ManifestSetIssue[] {
  const first = new Map<string, { server: string; manifest: number; index: number }>();
  const found: ManifestSetIssue[] = [];
  manifests.forEach(({ name, spec }, manifest) => {
    const own = new Set<string>();
    (spec.volumes ?? []).forEach((entry, index) => {
      if (own.has(entry.volume)) return; // twice on one server: reported by checkServerManifest
      own.add(entry.volume);
      const earlier = first.get(entry.volume);
      if (!earlier) {
        first.set(entry.volume, { server: name, manifest, index });
        return;
      }
      found.push({
        manifest,
        path: ['spec', 'volumes', index, 'volume'],
        code: 'volume-attached-twice',
        message: `volume '${entry.volume}' is already attached to server '${earlier.server}'; a volume attaches to one server`,
        hints: ['give each server its own volume (multi-attach volume types are not supported)'],
        related: [{ manifest: earlier.manifest, path: ['spec', 'volumes', earlier.index, 'volume'], message: `server '${earlier.server}' attaches '${entry.volume}' here` }],
      });
    });
  });
  return found;
}
