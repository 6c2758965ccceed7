import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { KINDS } from '../../schemas/index.ts';
import { packageFile } from '../../schemas/package-files.ts';
import type { Kind } from '../../provider/resources/types.ts';
import { MANIFEST_SCHEMA } from './schema-info.ts';

/**
 * Manifest documents against the published schema: each kind's document
 * schema is compiled from the combined schema (the document editors use;
 * schema-compiler.ts) the first time a document of that kind is
 * validated, so what `validate` accepts is exactly what that schema says.
 *
 * The compile is skipped when it was done at build time: `npm run build`
 * writes the same validators as code (write-validators.ts, ajv's standalone
 * code) into `dist/reconciler/manifests/validators.cjs`, which loads in a
 * tenth of the time compiling takes (about 0.4 s of every command's start).
 * That file carries the digest of the schema it was made from, and is used
 * only while the schema has that digest: sources edited since the last
 * build (tests run through tsx) compile their own schema.
 */

/** The validators `validateDocument` uses, by name: each kind, and `envelope` for a document of no known kind. */
export const VALIDATOR_NAMES = [...KINDS, 'envelope'] as const;

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
// ajv itself (about 0.1 s of start-up) is loaded only when there is a schema to compile.
const compiler = prebuilt ? undefined : await import('./schema-compiler.ts');

/** Each validator is compiled on first use: a stack of servers and volumes never pays for the other kinds. */
const validators = new Map<string, ValidateFunction>();

function compiled(name: (typeof VALIDATOR_NAMES)[number]): ValidateFunction {
  let validate = prebuilt?.[name] ?? validators.get(name);
  if (validate) return validate;
  validate = compiler!.schemaAjv().getSchema(compiler!.validatorRef(name));
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
