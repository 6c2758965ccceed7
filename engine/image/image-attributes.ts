import { ApiError, badRequest, forbidden } from '../http/api-error.ts';
import type { AuthContext } from '../http/request-context.ts';
import { pyRepr } from '../http/validate.ts';
import type { Image } from './image-model.ts';
import { CONTAINER_FORMATS, DISK_FORMATS } from './image-schemas.ts';

/**
 * Setting one image attribute the way Glance validates it (schema 'image'
 * plus the domain rules in glance/api/v2/images.py): shared by create and
 * PATCH. Errors are Glance's; the error handler renders them as text.
 */

/** Attributes nobody sets (glance `_readonly_properties`). */
export const READ_ONLY = ['created_at', 'updated_at', 'status', 'checksum', 'os_hash_algo', 'os_hash_value', 'size', 'virtual_size',
  'direct_url', 'self', 'file', 'schema', 'id', 'stores'];
/** Attributes reserved for Glance itself. */
export const RESERVED = ['location', 'locations', 'deleted', 'deleted_at', 'owner'];

const schemaError = (message: string) => badRequest(`Provided object does not match schema 'image': ${message}`);

export const readOnly = (key: string) => forbidden(`Attribute '${key}' is read-only.`);
export const reserved = (key: string) => forbidden(`Attribute '${key}' is reserved.`);
/** Glance's policy refusal wording. */
export const notAuthorized = (action: string) => forbidden(`You are not authorized to complete ${action} action.`);

function checkType(key: string, value: unknown, ok: boolean, type: string): void {
  if (!ok) throw schemaError(`${pyRepr(value)} is not of type ${type}`);
  void key;
}

function checkEnum(value: unknown, allowed: Array<string | null>): void {
  if (!allowed.includes(value as string | null)) throw schemaError(`${pyRepr(value)} is not one of ${pyRepr(allowed)}`);
}

/** True for the keys that are core attributes (not extra properties). */
export function isCoreAttribute(key: string): boolean {
  return ['name', 'visibility', 'protected', 'os_hidden', 'min_ram', 'min_disk', 'disk_format', 'container_format', 'tags'].includes(key);
}

/**
 * Sets `key` to `value` on `image`, validating type and policy. Extra
 * properties MUST be strings. Publicizing needs admin; formats are fixed
 * once the image has data.
 */
export function setImageAttribute(image: Image, key: string, value: unknown, auth: AuthContext): void {
  if (READ_ONLY.includes(key)) throw readOnly(key);
  if (RESERVED.includes(key)) throw reserved(key);
  switch (key) {
    case 'name':
      checkType(key, value, value === null || (typeof value === 'string' && value.length <= 255), "'null', 'string'");
      image.name = (value as string | null) ?? '';
      return;
    case 'visibility':
      checkEnum(value, ['community', 'public', 'private', 'shared']);
      if (value === 'public' && !auth.isAdmin) throw notAuthorized('publicize_image');
      image.visibility = value as Image['visibility'];
      return;
    case 'protected':
    case 'os_hidden':
      checkType(key, value, typeof value === 'boolean', "'boolean'");
      if (key === 'protected') image.protected = value as boolean;
      else image.hidden = value as boolean;
      return;
    case 'min_ram':
    case 'min_disk':
      checkType(key, value, Number.isInteger(value), "'integer'");
      if ((value as number) < 0) throw schemaError(`${pyRepr(value)} is less than the minimum of 0`);
      if (key === 'min_ram') image.minRam = value as number;
      else image.minDisk = value as number;
      return;
    case 'disk_format':
    case 'container_format':
      checkEnum(value, [null, ...(key === 'disk_format' ? DISK_FORMATS : CONTAINER_FORMATS)]);
      if (image.status !== 'queued') throw forbidden(`Attribute ${key} can be only replaced for a queued image.`);
      if (key === 'disk_format') image.diskFormat = (value as string | null) ?? '';
      else image.containerFormat = (value as string | null) ?? '';
      return;
    case 'tags':
      checkType(key, value, Array.isArray(value) && value.every((t) => typeof t === 'string' && t.length <= 255), "'array'");
      image.tags = [...new Set(value as string[])];
      return;
    default:
      checkType(key, value, typeof value === 'string', "'string'");
      image.properties[key] = value as string;
  }
}

/** Removes an extra property; core attributes cannot be removed. */
export function removeImageProperty(image: Image, key: string): void {
  if (READ_ONLY.includes(key)) throw readOnly(key);
  if (RESERVED.includes(key)) throw reserved(key);
  if (isCoreAttribute(key)) throw forbidden(`Property ${key} may not be removed.`);
  if (!(key in image.properties)) throw new ApiError(409, `Property ${key} does not exist.`);
  delete image.properties[key];
}
