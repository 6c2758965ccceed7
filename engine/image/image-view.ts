import { createHash } from 'node:crypto';
import type { Image } from './image-model.ts';

/**
 * Glance v2's image representation (glance/api/v2/images.py
 * `_format_image`): flat, extra properties as top-level string keys, and
 * links relative to the image endpoint (`/v2/images/{id}`), as Glance
 * renders them whatever prefix it is served under.
 */

/** The core attributes; everything else in an image body is an extra property. */
export const CORE_ATTRIBUTES = [
  'id', 'name', 'status', 'visibility', 'protected', 'os_hidden', 'min_ram', 'min_disk', 'size', 'virtual_size',
  'disk_format', 'container_format', 'checksum', 'os_hash_algo', 'os_hash_value', 'owner', 'tags',
  'created_at', 'updated_at', 'self', 'file', 'schema', 'locations', 'direct_url', 'stores',
] as const;

/** Attributes a client may set at create and change with PATCH. */
export const WRITABLE_ATTRIBUTES = ['name', 'visibility', 'protected', 'os_hidden', 'min_ram', 'min_disk', 'disk_format', 'container_format', 'tags'] as const;

/** The sha512 Glance reports; seeded images derive it from their name, as their md5 `checksum` is. */
export function osHashValue(image: Image): string {
  return image.osHashValue ?? createHash('sha512').update(image.name).digest('hex');
}

/** Raw images are their own virtual disk; for other formats the engine has no data to inspect. */
function virtualSize(image: Image): number | null {
  return image.diskFormat === 'raw' ? image.size : null;
}

export function imageView(image: Image): Record<string, unknown> {
  const hasData = image.status !== 'queued';
  return {
    ...image.properties,
    id: image.id,
    // The engine stores a missing name as ''; Glance shows it as null.
    name: image.name === '' ? null : image.name,
    status: image.status,
    visibility: image.visibility,
    protected: image.protected,
    os_hidden: image.hidden ?? false,
    min_ram: image.minRam,
    min_disk: image.minDisk,
    size: hasData ? image.size : null,
    virtual_size: hasData ? virtualSize(image) : null,
    disk_format: image.diskFormat || null,
    container_format: image.containerFormat || null,
    checksum: hasData ? image.checksum : null,
    os_hash_algo: hasData ? 'sha512' : null,
    os_hash_value: hasData ? osHashValue(image) : null,
    owner: image.owner,
    tags: [...image.tags],
    created_at: image.createdAt,
    updated_at: image.updatedAt,
    self: `/v2/images/${image.id}`,
    file: `/v2/images/${image.id}/file`,
    schema: '/v2/schemas/image',
    // Glance names the stores holding the data once there is data: one `file` store, as the real Zed cloud reports.
    ...(hasData ? { stores: 'file' } : {}),
  };
}
