import { isIPv4, isIPv6 } from 'node:net';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { COMBINED_SCHEMA_ID } from '../../schemas/index.ts';
import { MANIFEST_SCHEMA } from './schema-info.ts';
import type { VALIDATOR_NAMES } from './schema-validator.ts';

/**
 * Compiling the manifest schema with ajv: at build time into code
 * (write-validators.ts), and at run time only when no validators were
 * built from this schema (schema-validator.ts). A module of its own so a
 * command that has the built validators never loads ajv.
 */

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * `createAjv`'s formats as CommonJS source, for the standalone validators:
 * the same definitions, so both paths accept the same values.
 */
export const FORMATS_SOURCE = `{ uuid: ${UUID}, ipv4: { type: 'string', validate: require('node:net').isIPv4 }, ipv6: { type: 'string', validate: require('node:net').isIPv6 } }`;

/**
 * Options shared with tests that compile the published schema themselves.
 * `strictTypes` is off because size fields put `minimum` beside a `$ref` to a
 * `type: [integer, string]` definition; `strictRequired` is off because `oneOf: [{required: [a]}, {required: [b]}]`
 * names properties declared by the parent schema.
 */
export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
  // An annotation here: the phrase error messages use for what this schema
  // expects. Editors (VS Code's JSON service, yaml-language-server) show the
  // same keyword in place of their generic message; ajv-errors gives it the
  // same meaning, so the published schema carries no keyword of novaform's own.
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  ajv.addFormat('uuid', UUID);
  ajv.addFormat('ipv4', { type: 'string', validate: (value: string) => isIPv4(value) });
  ajv.addFormat('ipv6', { type: 'string', validate: (value: string) => isIPv6(value) });
  return ajv;
}

let ajv: Ajv2020 | undefined;

/**
 * The ajv instance holding the combined schema, made on first use. Not
 * checked against the meta-schema here (a third of the start-up cost):
 * test/schemas/schemas.test.ts checks the published combined schema against it.
 */
export function schemaAjv(): Ajv2020 {
  if (!ajv) {
    ajv = createAjv();
    ajv.addSchema(MANIFEST_SCHEMA, undefined, undefined, false);
  }
  return ajv;
}

/** The schema reference of a validator name: `#/$defs/Server`. */
export function validatorRef(name: (typeof VALIDATOR_NAMES)[number]): string {
  return `${COMBINED_SCHEMA_ID}#/$defs/${name}`;
}
