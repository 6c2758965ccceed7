import { validateBody } from '../../http/validate.ts';
import { assertMetadata } from '../validation/metadata-validation.ts';
import { assertNameFormats } from '../validation/nova-formats.ts';

/**
 * Request bodies of os-aggregates (compute/schemas/aggregates.py, v2.1+).
 * Name formats are checked first (Nova reports InvalidName before sibling
 * errors); an invalid availability zone fails the `oneOf [az_name, null]`
 * as a whole ("... is not valid under any of the given schemas").
 */

/** `az_name`: printable, no ':', no leading or trailing whitespace (Zs). */
const AZ_NAME = {
  type: 'string', minLength: 1, maxLength: 255,
  pattern: '^(?![\\p{Zs}])[^\\p{C}\\p{Zl}\\p{Zp}:\\u{10000}-\\u{10FFFF}]*(?<![\\p{Zs}])$',
};
const AVAILABILITY_ZONE = { oneOf: [AZ_NAME, { type: 'null' }] };
const NAME = { type: 'string', minLength: 1, maxLength: 255 };
const HOSTNAME = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9-._]*$' };

const CREATE = {
  type: 'object',
  properties: {
    aggregate: {
      type: 'object',
      properties: { name: NAME, availability_zone: AVAILABILITY_ZONE },
      required: ['name'],
      additionalProperties: false,
    },
  },
  required: ['aggregate'],
  additionalProperties: false,
};

const UPDATE = {
  type: 'object',
  properties: {
    aggregate: {
      type: 'object',
      properties: { name: NAME, availability_zone: AVAILABILITY_ZONE },
      additionalProperties: false,
      anyOf: [{ required: ['name'] }, { required: ['availability_zone'] }],
    },
  },
  required: ['aggregate'],
  additionalProperties: false,
};

const hostAction = (action: string) => ({
  type: 'object',
  properties: {
    [action]: { type: 'object', properties: { host: HOSTNAME }, required: ['host'], additionalProperties: false },
  },
  required: [action],
  additionalProperties: false,
});
const ADD_HOST = hostAction('add_host');
const REMOVE_HOST = hostAction('remove_host');

const SET_METADATA = {
  type: 'object',
  properties: {
    set_metadata: { type: 'object', properties: { metadata: { type: 'object' } }, required: ['metadata'], additionalProperties: false },
  },
  required: ['set_metadata'],
  additionalProperties: false,
};

const IMAGES = {
  type: 'object',
  properties: {
    cache: {
      type: 'array', minItems: 1,
      items: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } }, additionalProperties: false, required: ['id'] },
    },
  },
  required: ['cache'],
  additionalProperties: false,
};

type Inner = Record<string, unknown> | undefined;
const inner = (body: unknown, key: string): Inner => {
  const value = (body as Record<string, unknown> | undefined)?.[key];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
};

export interface AggregateFields {
  name?: string;
  availability_zone?: string | null;
}

/** Create: `name` (stripped) and an optional zone (stripped when given). */
export function parseCreate(body: unknown): { name: string; zone: string | null } {
  assertNameFormats(inner(body, 'aggregate')?.name, ['name']);
  const { aggregate } = validateBody<{ aggregate: AggregateFields }>(CREATE, body);
  const zone = aggregate.availability_zone ? aggregate.availability_zone.trim() : null;
  return { name: aggregate.name!.trim(), zone };
}

/** Update: `name` allows surrounding spaces (then stripped); a present `availability_zone` may be null. */
export function parseUpdate(body: unknown): AggregateFields {
  assertNameFormats(inner(body, 'aggregate')?.name, ['name_with_leading_trailing_spaces']);
  const { aggregate } = validateBody<{ aggregate: AggregateFields }>(UPDATE, body);
  return aggregate.name === undefined ? aggregate : { ...aggregate, name: aggregate.name.trim() };
}

export function parseHostAction(body: unknown, action: 'add_host' | 'remove_host'): string {
  return validateBody<Record<string, { host: string }>>(action === 'add_host' ? ADD_HOST : REMOVE_HOST, body)[action]!.host;
}

/** set_metadata: `metadata_with_null` values (string ≤ 255 or null). */
export function parseSetMetadata(body: unknown): Record<string, string | null> {
  const container = inner(body, 'set_metadata');
  if (container && 'metadata' in container) assertMetadata(container.metadata, 'metadata', { extraValueType: 'null' });
  return validateBody<{ set_metadata: { metadata: Record<string, string | null> } }>(SET_METADATA, body).set_metadata.metadata;
}

export function parseImages(body: unknown): string[] {
  return validateBody<{ cache: Array<{ id: string }> }>(IMAGES, body).cache.map((c) => c.id);
}
