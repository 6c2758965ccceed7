import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { COMBINED_SCHEMA_ID, KINDS } from '../../schemas/index.ts';
import { packageFile } from '../../schemas/package-files.ts';
import type { Kind } from '../../provider/resources/types.ts';
import { MANIFEST_SCHEMA } from './schema-info.ts';

/**
 * The one ajv instance per process. It holds the combined schema (the
 * document editors use) and compiles each kind's document schema from it
 * the first time a document of that kind is validated, so what `validate` accepts is
 * exactly what the published schema says.
 *
 * The compile is skipped when it was done at build time: `npm run build`
 * writes the same validators as code (write-validators.ts, ajv's standalone
 * code) into `dist/reconciler/manifests/validators.cjs`, which loads in a
 * tenth of the time compiling takes (about 0.4 s of every command's start).
 * That file carries the digest of the schema it was made from, and is used
 * only while the schema has that digest: sources edited since the last
 * build (tests run through tsx) compile their own schema.
 */

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * `createAjv`'s formats as CommonJS source, for the standalone validators:
 * the same definitions, so both paths accept the same values.
 */
export const FORMATS_SOURCE = `{ uuid: ${UUID}, ipv4: { type: 'string', validate: require('node:net').isIPv4 }, ipv6: { type: 'string', validate: require('node:net').isIPv6 } }`;

/** The validators `validateDocument` uses, by name: each kind, and `envelope` for a document of no known kind. */
export const VALIDATOR_NAMES = [...KINDS, 'envelope'] as const;

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

/** Where `npm run build` writes the validators as code, from the package root. */
export const PREBUILT_VALIDATORS = 'dist/reconciler/manifests/validators.cjs';

/** The digest of the schema the validators are made from: a prebuilt file of another schema is not used. */
export function schemaDigest(): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(MANIFEST_SCHEMA)).digest('hex')}`;
}

/** The validators `npm run build` wrote, when they were made from this schema. */
async function prebuiltValidators(): Promise<Record<string, ValidateFunction> | undefined> {
  const file = packageFile(PREBUILT_VALIDATORS);
  if (!existsSync(file)) return undefined;
  const module = (await import(pathToFileURL(file).href)).default as Record<string, ValidateFunction> & { schemaDigest?: string };
  return module.schemaDigest === schemaDigest() ? module : undefined;
}

const prebuilt = await prebuiltValidators();
let ajv: Ajv2020 | undefined;

/** Each validator is compiled on first use: a stack of servers and volumes never pays for the other kinds. */
const validators = new Map<string, ValidateFunction>();

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

function compiled(name: (typeof VALIDATOR_NAMES)[number]): ValidateFunction {
  let validate = validators.get(name) ?? prebuilt?.[name];
  if (validate) return validate;
  validate = schemaAjv().getSchema(validatorRef(name));
  if (!validate) throw new Error(`manifest schema has no ${name}`);
  validators.set(name, validate);
  return validate;
}

export interface SchemaCheck {
  /** The document's kind when it names a known one. */
  readonly kind?: Kind;
  readonly errors: readonly ErrorObject[];
}

/**
 * Validates one document: against its kind's schema when `kind` names a
 * known kind, otherwise against the envelope (which reports the bad kind
 * and any other envelope problem).
 *
 * @example
 * validateDocument({ apiVersion: 'novaform/v1', kind: 'Flavor', metadata: { name: 'f' }, spec: { vcpus: 1, ram: 512, disk: 1 } })
 * // → { kind: 'Flavor', errors: [] }
 */
export function validateDocument(document: unknown): SchemaCheck {
  const kindValue = document !== null && typeof document === 'object' ? (document as Record<string, unknown>).kind : undefined;
  const kind = KINDS.find((k) => k === kindValue);
  const validate = compiled(kind ?? 'envelope');
  validate(document);
  return { kind, errors: validate.errors ?? [] };
}
