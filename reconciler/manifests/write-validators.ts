import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _Code } from 'ajv/dist/compile/codegen/code.js';
import standalone from 'ajv/dist/standalone/index.js';
import { createAjv, FORMATS_SOURCE, validatorRef, VALIDATOR_NAMES } from './schema-validator.ts';
import { MANIFEST_SCHEMA } from './schema-info.ts';

/**
 * The manifest validators as code: what `schema-validator.ts` would compile
 * at run time, written once by ajv's standalone code generator, so the
 * compiled package loads them instead of compiling the schema at every
 * start. `npm run build` runs this from dist/, writing
 * `dist/reconciler/manifests/validators.cjs` (CommonJS: ajv's generated code
 * `require`s its runtime helpers).
 *
 * @example
 * standaloneValidators() // 'use strict';exports.Flavor = validate10; ...
 */
export function standaloneValidators(): string {
  const ajv = createAjv();
  ajv.opts.code.source = true;
  ajv.opts.code.formats = new _Code(FORMATS_SOURCE);
  ajv.addSchema(MANIFEST_SCHEMA, undefined, undefined, false);
  // ajv is CommonJS: its `export default` is `default` of what ESM imports.
  return standalone.default(ajv, Object.fromEntries(VALIDATOR_NAMES.map((name) => [name, validatorRef(name)])));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(join(dirname(fileURLToPath(import.meta.url)), 'validators.cjs'), standaloneValidators());
}
