import { DESCRIPTION_PATTERN } from '../servers/server-schemas.ts';

/**
 * JSON Schemas of nova/api/validation/parameter_types.py that the action,
 * metadata, tag and volume attachment bodies share. Formats the shared
 * validator cannot word like Nova (name, ipv4/ipv6) are checked after
 * validation, as server-create-checks.ts does for create.
 */

/** `metadata`: keys `[a-zA-Z0-9-_:. ]{1,255}`, string values up to 255 characters. */
export const METADATA_SCHEMA = {
  type: 'object',
  patternProperties: { '^[a-zA-Z0-9-_:. ]{1,255}$': { type: 'string', maxLength: 255 } },
  additionalProperties: false,
};

/** `boolean`: JSON booleans and oslo's string spellings. */
export const BOOLEAN_SCHEMA = {
  type: ['boolean', 'string'],
  enum: [true, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', false, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'],
};

/** `tag`: 1-60 characters, no ',' or '/'. */
export const TAG_SCHEMA = { type: 'string', minLength: 1, maxLength: 60, pattern: '^[^,/]*$' };

/** `name` without its format (checked by `assertNameFormats` in nova-formats.ts). */
export const NAME_SCHEMA = { type: 'string', minLength: 1, maxLength: 255 };

export const DESCRIPTION_SCHEMA = { type: ['string', 'null'], minLength: 0, maxLength: 255, pattern: DESCRIPTION_PATTERN };

/** A volume attachment's device, matched as nova/block_device.py `match_device` does. */
export const DEVICE_SCHEMA = { type: ['string', 'null'], pattern: '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$' };

/** 2.90: a single DNS label; 2.94: an FQDN. */
export const HOSTNAME_V290 = { type: 'string', minLength: 2, maxLength: 63, pattern: '^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$' };
export const HOSTNAME_V294 = { type: 'string', minLength: 2, maxLength: 255, pattern: '^[a-zA-Z0-9]+[a-zA-Z0-9-.]*[a-zA-Z0-9]+$' };
