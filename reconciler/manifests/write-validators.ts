import { writeFileSync } from 'node:fs';
import { _Code } from 'ajv/dist/compile/codegen/code.js';
import standalone from 'ajv/dist/standalone/index.js';
import { packageFile } from '../../schemas/package-files.ts';
import { createAjv, FORMATS_SOURCE, validatorRef } from './schema-compiler.ts';
import { PREBUILT_VALIDATORS, schemaDigest, VALIDATOR_NAMES } from './schema-validator.ts';
import { MANIFEST_SCHEMA } from './schema-info.ts';

/**
 * The manifest validators as code: what `schema-validator.ts` would compile
 * at run time, written once by ajv's standalone code generator, so the
 * compiled package loads them instead of compiling the schema at every
 * start. `npm run build` calls `writeValidators` from dist/, writing
 * `dist/reconciler/manifests/validators.cjs` (CommonJS: ajv's generated code
 * `require`s its runtime helpers), with the digest of the schema it was
 * made from.
 *
 * @example
 * standaloneValidators() // 'use strict';exports.Flavor = validate10; ... exports.schemaDigest = "sha256:…";
 */
export function standaloneValidators(): string {
  const ajv = createAjv();
  ajv.opts.code.source = true;
  ajv.opts.code.formats = new _Code(FORMATS_SOURCE);
  ajv.addSchema(MANIFEST_SCHEMA, undefined, undefined, false);
  // ajv is CommonJS: its `export default` is `default` of what ESM imports.
  const code = standalone.default(ajv, Object.fromEntries(VALIDATOR_NAMES.map((name) => [name, validatorRef(name)])));
  return `${code}\nexports.schemaDigest = ${JSON.stringify(schemaDigest())};\n`;
}

/** Writes the validators where the compiled package looks for them (schema-validator.ts). */
export function writeValidators(): void {
  writeFileSync(packageFile(PREBUILT_VALIDATORS), standaloneValidators());
}
