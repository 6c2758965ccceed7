import { atLeast, type Microversion } from '../../http/microversion.ts';
import { NAME_SCHEMA } from '../validation/parameter-types.ts';

/**
 * Request bodies of os-server-groups (compute/schemas/server_groups.py,
 * Zed): `policies` (one item) before 2.64, soft-* policies from 2.15, and
 * from 2.64 `policy` plus `rules` with only `max_server_per_host` (a
 * positive integer, also as a numeric string). The name's format is checked
 * before these (see `assertNameFormats`).
 */

const POLICIES_V21 = ['anti-affinity', 'affinity'];
const POLICIES_V215 = [...POLICIES_V21, 'soft-anti-affinity', 'soft-affinity'];

/** parameter_types.positive_integer. */
const POSITIVE_INTEGER = { type: ['integer', 'string'], pattern: '^[0-9]*$', minimum: 1, minLength: 1 };

function policiesSchema(policies: string[]): object {
  return {
    type: 'object',
    properties: {
      server_group: {
        type: 'object',
        properties: {
          name: NAME_SCHEMA,
          // Draft 4 tuple form, as Nova writes it: one item, from the enum.
          policies: { type: 'array', items: [{ type: 'string', enum: policies }], uniqueItems: true, minItems: 1, maxItems: 1, additionalItems: false },
        },
        required: ['name', 'policies'],
        additionalProperties: false,
      },
    },
    required: ['server_group'],
    additionalProperties: false,
  };
}

const CREATE_V21 = policiesSchema(POLICIES_V21);
const CREATE_V215 = policiesSchema(POLICIES_V215);
const CREATE_V264 = {
  type: 'object',
  properties: {
    server_group: {
      type: 'object',
      properties: {
        name: NAME_SCHEMA,
        policy: { type: 'string', enum: ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity'] },
        rules: { type: 'object', properties: { max_server_per_host: POSITIVE_INTEGER }, additionalProperties: false },
      },
      required: ['name', 'policy'],
      additionalProperties: false,
    },
  },
  required: ['server_group'],
  additionalProperties: false,
};

/** The create body schema at `mv`. */
export function serverGroupCreateSchema(mv: Microversion): object {
  if (atLeast(mv, 2, 64)) return CREATE_V264;
  if (atLeast(mv, 2, 15)) return CREATE_V215;
  return CREATE_V21;
}

/** A create body after validation, at any microversion. */
export interface ServerGroupCreateBody {
  server_group: {
    name: string;
    policies?: string[];
    policy?: string;
    rules?: { max_server_per_host?: number | string };
  };
}
