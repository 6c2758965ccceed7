import { ApiError, badRequest } from '../http/api-error.ts';
import type { AuthContext } from '../http/request-context.ts';
import { READ_ONLY, RESERVED, isCoreAttribute, readOnly, removeImageProperty, reserved, setImageAttribute } from './image-attributes.ts';
import type { Image } from './image-model.ts';

/**
 * Glance's PATCH body (`application/openstack-images-v2.1-json-patch`): a
 * JSON array of `{op, path, value}` with op add, replace or remove and a
 * one-segment path (`/name`, `/hw_disk_bus`, `/tags`).
 */

const OPERATIONS = ['add', 'remove', 'replace'];

interface Change { op: string; key: string; value?: unknown }

/** Parses and checks the operations, with Glance's messages. */
export function parsePatch(body: unknown): Change[] {
  if (!Array.isArray(body)) throw badRequest('Request body must be a JSON array of operation objects.');
  return body.map((raw): Change => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('Operations must be JSON objects.');
    const { op, path } = raw as Record<string, unknown>;
    if (op === undefined) throw badRequest(`Unable to find \`op\` in JSON Schema change. It must be one of the following: ${OPERATIONS.join(', ')}.`);
    if (!OPERATIONS.includes(String(op))) throw badRequest(`Invalid operation: \`${String(op)}\`. It must be one of the following: ${OPERATIONS.join(', ')}.`);
    if (typeof path !== 'string') throw badRequest('Unable to find `path` in JSON Schema change.');
    if (!path.startsWith('/')) throw badRequest(`Pointer \`${path}\` does not start with "/".`);
    const segments = path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    // Only `/tags/-` style appends go deeper than one segment.
    if (segments.length > 1 && !(segments[0] === 'tags' && op === 'add')) throw badRequest(`Nested paths are not allowed`);
    if (op !== 'remove' && !('value' in (raw as object))) throw badRequest(`Operation "${String(op)}" requires a member named "value".`);
    const key = segments.length > 1 ? 'tags/-' : segments[0]!;
    return { op: String(op), key, value: (raw as Record<string, unknown>).value };
  });
}

/**
 * Applies the changes to a copy of `image` (all or nothing). With the v2.1
 * patch media type `add` sets whether or not the property exists, while
 * `replace` and `remove` of a missing property are 409s (glance/api/v2/
 * images.py `_do_add/_do_replace/_do_remove`).
 */
export function applyPatch(image: Image, changes: Change[], auth: AuthContext): Image {
  const draft: Image = structuredClone(image);
  for (const { op, key, value } of changes) {
    if (key === 'tags/-') {
      if (typeof value !== 'string') throw badRequest(`Provided object does not match schema 'image': ${String(value)} is not of type 'string'`);
      if (!draft.tags.includes(value)) draft.tags.push(value);
      continue;
    }
    if (op === 'remove') {
      removeImageProperty(draft, key);
      continue;
    }
    // Read-only and reserved attributes are refused before anything else (Glance's `_validate_change`).
    if (READ_ONLY.includes(key)) throw readOnly(key);
    if (RESERVED.includes(key)) throw reserved(key);
    if (op === 'replace' && !isCoreAttribute(key) && !(key in draft.properties)) throw new ApiError(409, `Property ${key} does not exist.`);
    setImageAttribute(draft, key, value, auth);
  }
  return draft;
}
