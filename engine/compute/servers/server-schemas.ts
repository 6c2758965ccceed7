import { atLeast, type Microversion } from '../../http/microversion.ts';

/**
 * Request-body JSON Schemas of POST and PUT /servers per microversion band,
 * transcribed from nova/api/openstack/compute/schemas/servers.py and
 * nova/api/validation/parameter_types.py.
 *
 * Checks the shared validator cannot express with Nova's wording (the
 * `name` format, ipv4/ipv6 formats, numeric strings against `minimum`) are
 * made afterwards by server-create-checks.ts; here those fields carry only
 * their type and length.
 */

const boolean = {
  type: ['boolean', 'string'],
  enum: [true, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes',
    false, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'],
};
const name = { type: 'string', minLength: 1, maxLength: 255 };
const positiveInteger = { type: ['integer', 'string'], pattern: '^[0-9]*$', minimum: 1, minLength: 1 };
const uuid = { type: 'string', format: 'uuid' };
const tag = { type: 'string', minLength: 1, maxLength: 60, pattern: '^[^,/]*$' };
/** Printable characters (Unicode BMP, as Nova builds its class from chars below 0xFFFF); spaces allowed anywhere. */
export const DESCRIPTION_PATTERN = '^[^\\p{C}\\p{Zl}\\p{Zp}\\u{10000}-\\u{10FFFF}]*$';
const description = { type: ['string', 'null'], minLength: 0, maxLength: 255, pattern: DESCRIPTION_PATTERN };
const metadata = {
  type: 'object',
  patternProperties: { '^[a-zA-Z0-9-_:. ]{1,255}$': { type: 'string', maxLength: 255 } },
  additionalProperties: false,
};
const volumeSize = { type: ['integer', 'string'], pattern: '^[0-9]+$', minimum: 1, maximum: 2147483647 };
const fqdn = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9-._]*$' };
/** 2.90: a single DNS label; 2.94: an FQDN. */
const hostnameV290 = { type: 'string', minLength: 2, maxLength: 63, pattern: '^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$' };
const hostnameV294 = { type: 'string', minLength: 2, maxLength: 255, pattern: '^[a-zA-Z0-9]+[a-zA-Z0-9-.]*[a-zA-Z0-9]+$' };

const legacyBdm = {
  virtual_name: { type: 'string', maxLength: 255 },
  volume_id: uuid,
  snapshot_id: uuid,
  volume_size: volumeSize,
  device_name: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9._-r/]*$' },
  delete_on_termination: boolean,
  no_device: {},
  connection_info: { type: 'string', maxLength: 16777215 },
};

function bdmV2(v: Microversion): object {
  const properties: Record<string, unknown> = {
    ...legacyBdm,
    source_type: { type: 'string', enum: ['volume', 'image', 'snapshot', 'blank'] },
    uuid: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9._-]*$' },
    image_id: uuid,
    destination_type: { type: 'string', enum: ['local', 'volume'] },
    guest_format: { type: 'string', maxLength: 255 },
    device_type: { type: 'string', maxLength: 255 },
    disk_bus: { type: 'string', maxLength: 255 },
    boot_index: { type: ['integer', 'string', 'null'], pattern: '^-?[0-9]+$' },
  };
  if (v.minor === 32 || atLeast(v, 2, 42)) properties.tag = tag;
  if (atLeast(v, 2, 67)) properties.volume_type = { type: ['string', 'null'], minLength: 0, maxLength: 255 };
  return { type: 'object', properties, additionalProperties: false };
}

function networks(v: Microversion): object {
  const item: Record<string, unknown> = {
    fixed_ip: { type: 'string' },
    port: { oneOf: [uuid, { type: 'null' }] },
    uuid: atLeast(v, 2, 37) ? uuid : { type: 'string' },
  };
  if ((atLeast(v, 2, 32) && !atLeast(v, 2, 37)) || atLeast(v, 2, 42)) item.tag = tag;
  const list = { type: 'array', items: { type: 'object', properties: item, additionalProperties: false } };
  return atLeast(v, 2, 37) ? { oneOf: [list, { type: 'string', enum: ['none', 'auto'] }] } : list;
}

const schedulerHints = {
  type: 'object',
  properties: {
    group: uuid,
    different_host: { oneOf: [uuid, { type: 'array', items: uuid }] },
    same_host: { type: ['string', 'array'], items: uuid },
    query: { type: ['string', 'object'] },
    target_cell: name,
    different_cell: { type: ['string', 'array'], items: { type: 'string' } },
    build_near_host_ip: { type: 'string' },
    cidr: { type: 'string', pattern: '^/[0-9a-f.:]+$' },
  },
  additionalProperties: true,
};

function createSchema(v: Microversion): object {
  const server: Record<string, unknown> = {
    name,
    imageRef: { oneOf: [uuid, { type: 'string', maxLength: 0 }] },
    flavorRef: { type: ['string', 'integer'], minLength: 1 },
    adminPass: { type: 'string' },
    metadata,
    networks: networks(v),
    'OS-DCF:diskConfig': { type: 'string', enum: ['AUTO', 'MANUAL'] },
    accessIPv4: { type: 'string' },
    accessIPv6: { type: 'string' },
    availability_zone: name,
    block_device_mapping: { type: 'array', items: { type: 'object', properties: legacyBdm, additionalProperties: false } },
    block_device_mapping_v2: { type: 'array', items: bdmV2(v) },
    config_drive: boolean,
    key_name: name,
    min_count: positiveInteger,
    max_count: positiveInteger,
    return_reservation_id: boolean,
    security_groups: { type: 'array', items: { type: 'object', properties: { name }, additionalProperties: false } },
    user_data: { type: 'string', format: 'base64', maxLength: 65535 },
  };
  if (!atLeast(v, 2, 57)) {
    server.personality = {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, contents: { type: 'string', format: 'base64' } }, additionalProperties: false },
    };
  }
  if (atLeast(v, 2, 19)) server.description = description;
  if (atLeast(v, 2, 52)) server.tags = { type: 'array', items: tag, maxItems: 50 };
  if (atLeast(v, 2, 63)) {
    server.trusted_image_certificates = { type: ['array', 'null'], minItems: 1, maxItems: 50, uniqueItems: true, items: { type: 'string', minLength: 1 } };
  }
  if (atLeast(v, 2, 74)) Object.assign(server, { host: fqdn, hypervisor_hostname: fqdn });
  if (atLeast(v, 2, 90)) server.hostname = atLeast(v, 2, 94) ? hostnameV294 : hostnameV290;
  return {
    type: 'object',
    properties: {
      server: {
        type: 'object',
        properties: server,
        required: atLeast(v, 2, 37) ? ['name', 'flavorRef', 'networks'] : ['name', 'flavorRef'],
        additionalProperties: false,
      },
      'os:scheduler_hints': schedulerHints,
      'OS-SCH-HNT:scheduler_hints': schedulerHints,
    },
    required: ['server'],
    additionalProperties: false,
  };
}

function updateSchema(v: Microversion): object {
  const server: Record<string, unknown> = {
    name,
    'OS-DCF:diskConfig': { type: 'string', enum: ['AUTO', 'MANUAL'] },
    accessIPv4: { type: 'string' },
    accessIPv6: { type: 'string' },
  };
  if (atLeast(v, 2, 19)) server.description = description;
  if (atLeast(v, 2, 90)) server.hostname = atLeast(v, 2, 94) ? hostnameV294 : hostnameV290;
  return {
    type: 'object',
    properties: { server: { type: 'object', properties: server, additionalProperties: false } },
    required: ['server'],
    additionalProperties: false,
  };
}

/** Versions where a schema changes; a schema is built once per band (the validator caches by object). */
const CREATE_BANDS = [19, 32, 33, 37, 42, 52, 57, 63, 67, 74, 90, 94];
const UPDATE_BANDS = [19, 90, 94];
const cache = new Map<string, object>();

function banded(kind: string, bands: number[], v: Microversion, build: (v: Microversion) => object): object {
  const band = [...bands].reverse().find((minor) => atLeast(v, 2, minor)) ?? 1;
  const key = `${kind}:${band}`;
  let schema = cache.get(key);
  if (!schema) {
    schema = build({ major: 2, minor: band });
    cache.set(key, schema);
  }
  return schema;
}

export const createServerSchema = (v: Microversion): object => banded('create', CREATE_BANDS, v, createSchema);
export const updateServerSchema = (v: Microversion): object => banded('update', UPDATE_BANDS, v, updateSchema);
