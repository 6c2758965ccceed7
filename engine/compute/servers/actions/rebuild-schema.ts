import { isIPv4, isIPv6 } from 'node:net';
import { badRequest } from '../../../http/api-error.ts';
import { atLeast, type Microversion } from '../../../http/microversion.ts';
import { pyRepr } from '../../../http/validate.ts';
import { assertNameFormats } from '../../validation/nova-formats.ts';
import { BOOLEAN_SCHEMA, DESCRIPTION_SCHEMA, HOSTNAME_V290, HOSTNAME_V294, METADATA_SCHEMA, NAME_SCHEMA } from '../../validation/parameter-types.ts';

/**
 * The rebuild request body per microversion (schemas/servers.py
 * `base_rebuild*`): 2.19 adds description, 2.54 key_name (null unsets),
 * 2.57 drops personality and adds user_data (null unsets), 2.63
 * trusted_image_certificates, 2.90 hostname (2.94: any FQDN). A field from a
 * later version is rejected as an additional property, as in Nova.
 */

export interface RebuildBody {
  imageRef: string;
  name?: string;
  adminPass?: string;
  metadata?: Record<string, string>;
  preserve_ephemeral?: boolean | string;
  'OS-DCF:diskConfig'?: 'AUTO' | 'MANUAL';
  accessIPv4?: string;
  accessIPv6?: string;
  personality?: Array<{ path?: string; contents?: string }>;
  description?: string | null;
  key_name?: string | null;
  user_data?: string | null;
  trusted_image_certificates?: string[] | null;
  hostname?: string;
}

function propertiesFor(v: Microversion): Record<string, unknown> {
  const props: Record<string, unknown> = {
    name: NAME_SCHEMA,
    imageRef: { type: 'string', format: 'uuid' },
    adminPass: { type: 'string' },
    metadata: METADATA_SCHEMA,
    preserve_ephemeral: BOOLEAN_SCHEMA,
    'OS-DCF:diskConfig': { type: 'string', enum: ['AUTO', 'MANUAL'] },
    accessIPv4: { type: 'string' },
    accessIPv6: { type: 'string' },
    personality: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, contents: { type: 'string', format: 'base64' } },
        additionalProperties: false,
      },
    },
  };
  if (atLeast(v, 2, 19)) props.description = DESCRIPTION_SCHEMA;
  if (atLeast(v, 2, 54)) props.key_name = { oneOf: [NAME_SCHEMA, { type: 'null' }] };
  if (atLeast(v, 2, 57)) {
    delete props.personality;
    props.user_data = { oneOf: [{ type: 'string', format: 'base64', maxLength: 65535 }, { type: 'null' }] };
  }
  if (atLeast(v, 2, 63)) {
    props.trusted_image_certificates = { type: ['array', 'null'], minItems: 1, maxItems: 50, uniqueItems: true, items: { type: 'string', minLength: 1 } };
  }
  if (atLeast(v, 2, 90)) props.hostname = atLeast(v, 2, 94) ? HOSTNAME_V294 : HOSTNAME_V290;
  return props;
}

/** Version bands where the schema changes; one compiled schema per band. */
const BANDS: Array<[number, number]> = [[2, 94], [2, 90], [2, 63], [2, 57], [2, 54], [2, 19], [2, 1]];
const cache = new Map<string, object>();

export function rebuildSchemaFor(v: Microversion): object {
  const [major, minor] = BANDS.find(([maj, min]) => atLeast(v, maj, min)) ?? [2, 1];
  const key = `${major}.${minor}`;
  let schema = cache.get(key);
  if (!schema) {
    schema = {
      type: 'object',
      properties: {
        rebuild: { type: 'object', properties: propertiesFor({ major, minor }), required: ['imageRef'], additionalProperties: false },
      },
      required: ['rebuild'],
      additionalProperties: false,
    };
    cache.set(key, schema);
  }
  return schema;
}

/**
 * The checks Nova's schema does through format checkers: `name` may not
 * start or end with whitespace (InvalidName's wording), accessIPv4/6 must be
 * addresses of their family.
 */
export function checkRebuildFormats(body: RebuildBody): void {
  assertNameFormats(body.name, ['name']);
  assertNameFormats(body.key_name, ['name']);
  for (const [field, valid, format] of [['accessIPv4', isIPv4, 'ipv4'], ['accessIPv6', isIPv6, 'ipv6']] as const) {
    const value = body[field];
    if (value !== undefined && !valid(value)) {
      throw badRequest(`Invalid input for field/attribute ${field}. Value: ${value}. ${pyRepr(value)} is not a '${format}'`);
    }
  }
}
