import { badRequest, conflict } from '../../http/api-error.ts';
import { atLeast, type Microversion } from '../../http/microversion.ts';
import { validateBody } from '../../http/validate.ts';
import type { EngineContext } from '../../engine-context.ts';
import { newUuid } from '../../util/ids.ts';
import { isoSeconds } from '../../util/time.ts';
import type { Flavor } from '../compute-model.ts';
import { assertNameFormats, fieldError } from '../validation/nova-formats.ts';

/**
 * `POST /flavors` (flavor-manage): Nova's schema (schemas/flavors.py
 * `create`, `create_v255`) and nova/compute/flavors.py `create`.
 */

/** nova/db/constants.py MAX_INT, the bound of every integer flavor field. */
const MAX_INT = 2147483647;
const SQL_SP_FLOAT_MAX = 3.40282e38;

const flavorInt = (minimum: number) => ({ type: ['integer', 'string'], pattern: '^[0-9]+$', minimum, maximum: MAX_INT });

/** Printable BMP characters (newlines excluded), Nova's `valid_description_regex`. */
const description = { type: ['string', 'null'], minLength: 0, maxLength: 65535, pattern: '^[^\\p{C}\\p{Zl}\\p{Zp}\\u{10000}-\\u{10FFFF}]*$' };

function createSchema(withDescription: boolean) {
  return {
    type: 'object',
    properties: {
      flavor: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 255 },
          id: { type: ['string', 'number', 'null'], minLength: 1, maxLength: 255, pattern: '^(?! )[a-zA-Z0-9. _-]+(?<! )$' },
          ram: flavorInt(1),
          vcpus: flavorInt(1),
          disk: flavorInt(0),
          'OS-FLV-EXT-DATA:ephemeral': flavorInt(0),
          swap: flavorInt(0),
          rxtx_factor: { type: ['number', 'string'], pattern: '^[0-9]+(\\.[0-9]+)?$', exclusiveMinimum: 0, maximum: SQL_SP_FLOAT_MAX },
          'os-flavor-access:is_public': {
            type: ['boolean', 'string'],
            enum: [true, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes',
              false, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no'],
          },
          ...(withDescription ? { description } : {}),
        },
        required: ['name', 'ram', 'vcpus', 'disk'],
        additionalProperties: false,
      },
    },
    required: ['flavor'],
    additionalProperties: false,
  };
}

const CREATE = createSchema(false);
const CREATE_V255 = createSchema(true);

export const UPDATE_SCHEMA = {
  type: 'object',
  properties: {
    flavor: { type: 'object', properties: { description }, required: ['description'], additionalProperties: false },
  },
  required: ['flavor'],
  additionalProperties: false,
};

type Scalar = string | number | boolean | null | undefined;
type CreateBody = { flavor: Record<string, Scalar> };

const INTEGER_FIELDS: Array<[string, number]> = [['ram', 1], ['vcpus', 1], ['disk', 0], ['OS-FLV-EXT-DATA:ephemeral', 0], ['swap', 0]];

/**
 * Nova's validator compares string numbers ("512") against minimum/maximum
 * too (`_validate_minimum`); JSON-schema tools skip strings, so check them here.
 */
function assertStringNumbersInRange(flavor: Record<string, Scalar>): void {
  for (const [field, minimum] of INTEGER_FIELDS) {
    const raw = flavor[field];
    if (typeof raw !== 'string') continue;
    const value = Number(raw);
    if (value < minimum) throw badRequest(fieldError(field, raw, `${value} is less than the minimum of ${minimum}`));
    if (value > MAX_INT) throw badRequest(fieldError(field, raw, `${value} is greater than the maximum of ${MAX_INT}`));
  }
  const rxtx = flavor.rxtx_factor;
  if (typeof rxtx === 'string' && Number(rxtx) <= 0) {
    throw badRequest(fieldError('rxtx_factor', rxtx, `${Number(rxtx)} is less than or equal to the minimum of 0`));
  }
  if (typeof rxtx === 'string' && Number(rxtx) > SQL_SP_FLOAT_MAX) {
    throw badRequest(fieldError('rxtx_factor', rxtx, `${Number(rxtx)} is greater than the maximum of ${SQL_SP_FLOAT_MAX}`));
  }
}

/** Validates a create body for the request's microversion and returns the flavor fields. */
export function parseFlavorCreate(body: unknown, mv: Microversion): Record<string, Scalar> {
  const flavor = (body as CreateBody | undefined)?.flavor;
  if (flavor && typeof flavor === 'object') assertNameFormats(flavor.name, ['name']);
  const valid = validateBody<CreateBody>(atLeast(mv, 2, 55) ? CREATE_V255 : CREATE, body);
  assertStringNumbersInRange(valid.flavor);
  return valid.flavor;
}

/** Nova's flavor id: absent, null or 0 mean a generated UUID; numbers are stringified. */
export function flavorIdFrom(raw: Scalar): string {
  if (raw === undefined || raw === null || raw === 0 || raw === '') return newUuid();
  return String(raw);
}

/**
 * Builds and stores the new flavor. Duplicate id → 409 "Flavor with ID X
 * already exists."; duplicate name → 409 "Flavor with name X already exists.".
 * MUST run without an `await` between the checks and `put`, so two
 * concurrent creates cannot both pass.
 */
export async function createFlavor(ctx: EngineContext, fields: Record<string, Scalar>, mv: Microversion): Promise<Flavor> {
  const id = flavorIdFrom(fields.id);
  const name = String(fields.name).trim();
  if (ctx.store.flavors.has(id)) throw conflict(`Flavor with ID ${id} already exists.`);
  if (ctx.store.flavors.find((f) => f.name === name)) throw conflict(`Flavor with name ${name} already exists.`);
  const isPublic = fields['os-flavor-access:is_public'];
  const flavor: Flavor = {
    id,
    name,
    ram: Number(fields.ram),
    vcpus: Number(fields.vcpus),
    disk: Number(fields.disk),
    ephemeral: Number(fields['OS-FLV-EXT-DATA:ephemeral'] ?? 0),
    swap: Number(fields.swap ?? 0),
    rxtxFactor: Number(fields.rxtx_factor ?? 1),
    isPublic: isPublic === undefined ? true : ['true', '1', 'on', 'yes'].includes(String(isPublic).toLowerCase()),
    disabled: false,
    description: atLeast(mv, 2, 55) ? ((fields.description as string | null | undefined) ?? null) : null,
    extraSpecs: {},
    access: [],
    createdAt: isoSeconds(),
    numericId: ctx.store.nextId('flavor'),
  };
  await ctx.store.flavors.put(flavor);
  return flavor;
}
