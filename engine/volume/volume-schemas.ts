import { atLeast, type Microversion } from '../http/microversion.ts';

/**
 * Request schemas of the volumes API (cinder/api/schemas/volumes.py and
 * cinder/api/validation/parameter_types.py). Each is built once at load,
 * because validate.ts caches compiled schemas by object identity.
 */

const DB_MAX_INT = 0x7fffffff;

/** `extra_specs` / volume metadata: short keys of a safe alphabet, string values up to 255. */
export const METADATA = {
  type: 'object',
  patternProperties: { '^[a-zA-Z0-9-_:. /]{1,255}$': { type: 'string', maxLength: 255 } },
  additionalProperties: false,
};

export const VOLUME_SIZE = { type: ['integer', 'string'], pattern: '^[0-9]+$', minimum: 1, maximum: DB_MAX_INT };

/** Cinder's `boolean` parameter type. */
export const CINDER_BOOLEAN = {
  type: ['boolean', 'string'],
  enum: [true, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'y', 't',
    false, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no', 'n', 'f'],
};

const NAME = { type: ['string', 'null'], maxLength: 255 };
const OPTIONAL_UUID = { type: ['string', 'null'], format: 'uuid' };

function createSchema(opts: { groups: boolean; backups: boolean; strict: boolean }): object {
  const properties: Record<string, unknown> = {
    name: NAME,
    description: { type: ['string', 'null'] },
    display_name: NAME,
    display_description: { type: ['string', 'null'] },
    volume_type: { type: ['string', 'null'], minLength: 0, maxLength: 255 },
    metadata: { ...METADATA, type: ['object', 'null'] },
    snapshot_id: OPTIONAL_UUID,
    source_volid: OPTIONAL_UUID,
    consistencygroup_id: OPTIONAL_UUID,
    size: { ...VOLUME_SIZE, type: ['integer', 'string', 'null'] },
    availability_zone: { type: ['string', 'null'], minLength: 1, maxLength: 255 },
    multiattach: { type: ['boolean', 'string', 'null'], enum: [...CINDER_BOOLEAN.enum, null] },
    image_id: { type: ['string', 'null'], minLength: 0, maxLength: 255 },
    imageRef: { type: ['string', 'null'], minLength: 0, maxLength: 255 },
  };
  if (opts.groups) properties.group_id = { type: ['string', 'null'], minLength: 0, maxLength: 255 };
  if (opts.backups) properties.backup_id = OPTIONAL_UUID;
  return {
    type: 'object',
    properties: {
      volume: { type: 'object', properties, additionalProperties: !opts.strict },
      'OS-SCH-HNT:scheduler_hints': { type: ['object', 'null'] },
    },
    required: ['volume'],
    additionalProperties: false,
  };
}

const CREATE_V30 = createSchema({ groups: false, backups: false, strict: false });
const CREATE_V313 = createSchema({ groups: true, backups: false, strict: false });
const CREATE_V347 = createSchema({ groups: true, backups: true, strict: false });
const CREATE_V353 = createSchema({ groups: true, backups: true, strict: true });

/** The create schema at `version`: group_id at 3.13, backup_id at 3.47, no unknown keys from 3.53. */
export function volumeCreateSchema(v: Microversion): object {
  if (atLeast(v, 3, 53)) return CREATE_V353;
  if (atLeast(v, 3, 47)) return CREATE_V347;
  if (atLeast(v, 3, 13)) return CREATE_V313;
  return CREATE_V30;
}

function updateSchema(requireOne: boolean): object {
  const volume: Record<string, unknown> = {
    type: 'object',
    properties: {
      name: NAME,
      description: { type: ['string', 'null'] },
      display_name: NAME,
      display_description: { type: ['string', 'null'] },
      metadata: METADATA,
    },
    additionalProperties: false,
  };
  if (requireOne) {
    volume.anyOf = ['name', 'description', 'display_name', 'display_description', 'metadata'].map((k) => ({ required: [k] }));
  }
  return { type: 'object', properties: { volume }, required: ['volume'], additionalProperties: false };
}

const UPDATE_V30 = updateSchema(false);
const UPDATE_V353 = updateSchema(true);

/** From 3.53 an update MUST change something. */
export function volumeUpdateSchema(v: Microversion): object {
  return atLeast(v, 3, 53) ? UPDATE_V353 : UPDATE_V30;
}

export const METADATA_BODY = { type: 'object', properties: { metadata: METADATA }, required: ['metadata'], additionalProperties: false };
export const META_ITEM_BODY = {
  type: 'object',
  properties: { meta: METADATA },
  required: ['meta'],
  additionalProperties: false,
};
